// Command vod-emulator serves a local emulator of Huawei Cloud VOD's CDN
// preheat API (see package internal/emulator), for trying the provider and
// for acceptance tests without a cloud account.
//
//	vod-emulator --listen 127.0.0.1:0 --access-key AK --secret-key SK --project-id PID \
//	    [--security-token T] [--processing-time 10s] [--seed tasks.json] \
//	    [--quota-rps 2 --quota-burst 2] [--huawei-quota] [--quota-queries-per-minute N] \
//	    [--quota-creates-per-minute N] [--quota-creates-per-day N] [--quota-window 1m] \
//	    [--quota-refreshes-per-minute N] [--quota-refreshes-per-day N] [--quota-refresh-queries-per-minute N] \
//	    [--signing-algorithm HmacSM3] [--project-name cn-north-4] [--temporary-key-lifetime 1h]
//	vod-emulator [flags] -- terraform test     # runs a command against it, see below
//	vod-emulator [flags] --detach --env-file emulator.env [--log-file emulator.log]
//	vod-emulator --version
//
// --signing-algorithm is the tenant's (requests signed otherwise are
// refused); --project-name is the project's name for IAM's
// GET /v3/projects; --temporary-key-lifetime makes the ECS metadata path
// (/openstack/latest/securitykey) hand out temporary keys valid that long.
//
// The quota flags turn on the tenant's API rate limits (emulator.Quota; all
// off by default): over them the emulator answers 429 APIGW.0308 without
// Retry-After, like API Gateway. The per-minute limits are fixed windows
// per API whose answer states the limit ("limit:10,time:1 minute");
// --quota-window scales their window (whole seconds). --quota-rps is a
// token bucket over all APIs whose answer states no limit. --huawei-quota
// sets Huawei's documented limits (100 queries and 10 creates a minute,
// 1000 preheat tasks a day, 100 refresh tasks a minute and 1000 a day) for
// those not set by their own flag. Huawei
// documents no answer for the exhausted daily quota: the same 429 with
// "limit:1000,time:1 day" is the emulator's choice.
//
// Credentials default from HW_ACCESS_KEY, HW_SECRET_KEY, HW_PROJECT_ID and
// HW_SECURITY_TOKEN. The only stdout output is one line,
// "listening on http://HOST:PORT"; logs go to stderr (or --log-file) and
// never carry secrets. It serves until SIGINT or SIGTERM, then shuts down
// gracefully and logs how many requests it served, refused over the quota,
// and on how many connections.
//
// Three ways to start it without polling for its port (session.go):
//   - "-- COMMAND ARGS...": once it listens, runs the command with the
//     provider's environment (HW_VOD_ENDPOINT, the keys, the project) added,
//     stops when the command ends and exits with its status. The listening
//     line goes to the log, leaving stdout to the command.
//   - --env-file PATH: once it listens, writes that environment to PATH as
//     shell lines ("export HW_VOD_ENDPOINT='http://...'"), atomically and
//     readable by the owner only, and removes it on shutdown.
//   - --detach: starts itself in the background and returns once it
//     listens, printing only its pid; stop it with kill PID. Its log goes
//     to --log-file (default: discarded).
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/vodprovider/terraform-provider-vod/internal/emulator"
)

// version is set by the release build: -ldflags "-X main.version=..." (see .goreleaser.yml).
var version = "dev"

// shutdownGrace bounds how long in-flight requests may take on shutdown.
const shutdownGrace = 5 * time.Second

func main() {
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	// The first signal stops the emulator; later ones are caught and
	// dropped, so that a second Ctrl-C reaches a command run with -- alone.
	go func() { cancel(signalCause{<-signals}) }()
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	var exit exitStatus
	switch {
	case err == nil, errors.Is(err, flag.ErrHelp):
	case errors.As(err, &exit):
		os.Exit(int(exit))
	default:
		fmt.Fprintln(os.Stderr, "vod-emulator:", err)
		os.Exit(1)
	}
}

type options struct {
	listen, accessKey, secretKey, projectID, securityToken, seed string
	processingTime                                               time.Duration
	quota                                                        emulator.Quota
	huaweiQuota                                                  bool
	showVersion                                                  bool
	identity                                                     identityOptions
	uppercaseStatus                                              bool
	session                                                      sessionOptions
}

// identityOptions are the authentication side of the tenant.
type identityOptions struct {
	signingAlgorithm, projectName string
	temporaryKeyLifetime          time.Duration
}

func parseFlags(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("vod-emulator", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: vod-emulator [flags] [-- command [args...]]\n\n"+
			"Serves an emulator of Huawei Cloud VOD's preheat API. With a command after --, runs it once listening,\n"+
			"with HW_VOD_ENDPOINT, HW_ACCESS_KEY, HW_SECRET_KEY and HW_PROJECT_ID set, and exits with its status.\n\n")
		fs.PrintDefaults()
	}
	fs.StringVar(&o.listen, "listen", "127.0.0.1:8080", "address to listen on (port 0 picks a free port)")
	fs.StringVar(&o.accessKey, "access-key", "", "access key accepted (default $HW_ACCESS_KEY)")
	fs.StringVar(&o.secretKey, "secret-key", "", "secret key for verifying signatures (default $HW_SECRET_KEY)")
	fs.StringVar(&o.projectID, "project-id", "", "project id accepted (default $HW_PROJECT_ID)")
	fs.StringVar(&o.securityToken, "security-token", "", "require this X-Security-Token (default $HW_SECURITY_TOKEN)")
	fs.DurationVar(&o.processingTime, "processing-time", emulator.DefaultProcessingTime, "how long a task takes: its URLs end one by one over it; 0 finishes immediately")
	fs.StringVar(&o.seed, "seed", "", "JSON file of tasks to preload")
	fs.Float64Var(&o.quota.RequestsPerSecond, "quota-rps", 0, "tenant quota: requests per second, all APIs (0: off)")
	fs.IntVar(&o.quota.Burst, "quota-burst", 0, "burst of --quota-rps (0: one second's worth)")
	fs.IntVar(&o.quota.QueriesPerMinute, "quota-queries-per-minute", 0, "tenant quota: preheat queries per minute (0: off)")
	fs.IntVar(&o.quota.CreatesPerMinute, "quota-creates-per-minute", 0, "tenant quota: preheat creates per minute (0: off)")
	fs.IntVar(&o.quota.CreatesPerDay, "quota-creates-per-day", 0, "tenant quota: preheat tasks created per day (0: off)")
	fs.IntVar(&o.quota.RefreshesPerMinute, "quota-refreshes-per-minute", 0, "tenant quota: refresh tasks created per minute (0: off)")
	fs.IntVar(&o.quota.RefreshesPerDay, "quota-refreshes-per-day", 0, "tenant quota: refresh tasks created per day (0: off)")
	fs.IntVar(&o.quota.RefreshQueriesPerMinute, "quota-refresh-queries-per-minute", 0, "tenant quota: refresh queries per minute (0: off)")
	fs.DurationVar(&o.quota.Window, "quota-window", 0, "window of the per-minute quota flags, whole seconds (0: a minute)")
	fs.BoolVar(&o.huaweiQuota, "huawei-quota", false, "Huawei's documented quota for every limit not set by its own flag")
	fs.StringVar(&o.identity.signingAlgorithm, "signing-algorithm", emulator.HmacSHA256, "the tenant's signing algorithm: HmacSHA256, HmacSM3, EcdsaP256SHA256 or SM2SM3")
	fs.StringVar(&o.identity.projectName, "project-name", emulator.DefaultProjectName, "the project's name, for IAM's project lookup")
	fs.DurationVar(&o.identity.temporaryKeyLifetime, "temporary-key-lifetime", 0, "serve temporary keys valid this long on the ECS metadata path (0: no agency)")
	fs.BoolVar(&o.uppercaseStatus, "uppercase-status", false, "answer queries with PROCESSING, SUCCEED and FAILED, as the SDKs' enums spell them (default: lowercase, as the API reference shows)")
	fs.BoolVar(&o.showVersion, "version", false, "print the emulator's version and exit")
	fs.StringVar(&o.session.envFile, "env-file", "", "once listening, write the provider's environment to this file as shell export lines (removed on shutdown)")
	fs.StringVar(&o.session.logFile, "log-file", "", "append the log to this file instead of stderr")
	fs.BoolVar(&o.session.detach, "detach", false, "start in the background, print the pid once listening and return")
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		// The flag package drops the "--" that ends the flags: the command
		// follows one only when the argument before the rest is "--".
		if i := len(args) - fs.NArg() - 1; i < 0 || args[i] != "--" {
			return o, fmt.Errorf("unexpected arguments: %v (to run a command under the emulator, put it after --)", fs.Args())
		}
		o.session.command = fs.Args()
	}
	if o.showVersion {
		return o, nil
	}
	// Environment defaults are applied after parsing, so that -help never
	// prints a secret as a flag's default value.
	for _, fallback := range []struct {
		value *string
		env   string
	}{{&o.accessKey, "HW_ACCESS_KEY"}, {&o.secretKey, "HW_SECRET_KEY"}, {&o.projectID, "HW_PROJECT_ID"}, {&o.securityToken, "HW_SECURITY_TOKEN"}} {
		if *fallback.value == "" {
			*fallback.value = os.Getenv(fallback.env)
		}
	}
	var missing []string
	for _, m := range []struct{ value, name string }{
		{o.accessKey, "--access-key (or HW_ACCESS_KEY)"},
		{o.secretKey, "--secret-key (or HW_SECRET_KEY)"},
		{o.projectID, "--project-id (or HW_PROJECT_ID)"},
	} {
		if m.value == "" {
			missing = append(missing, m.name)
		}
	}
	if len(missing) > 0 {
		return o, fmt.Errorf("missing required settings: %v", missing)
	}
	if !emulator.KnownSigningAlgorithm(o.identity.signingAlgorithm) {
		return o, fmt.Errorf("--signing-algorithm %q: use HmacSHA256, HmacSM3, EcdsaP256SHA256 or SM2SM3", o.identity.signingAlgorithm)
	}
	if o.session.detach && len(o.session.command) > 0 {
		return o, errors.New("--detach and a command after -- exclude each other: the command mode stops with the command")
	}
	if o.processingTime < 0 {
		return o, errors.New("--processing-time must not be negative")
	}
	if q := o.quota; q.RequestsPerSecond < 0 || q.Burst < 0 || q.QueriesPerMinute < 0 || q.CreatesPerMinute < 0 || q.CreatesPerDay < 0 ||
		q.RefreshesPerMinute < 0 || q.RefreshesPerDay < 0 || q.RefreshQueriesPerMinute < 0 {
		return o, errors.New("the --quota-* flags must not be negative")
	}
	if w := o.quota.Window; w < 0 || w%time.Second != 0 {
		return o, fmt.Errorf("--quota-window %s: use whole seconds, such as 2s or 1m", w)
	}
	if o.huaweiQuota {
		for _, field := range []struct {
			value      *int
			documented int
		}{
			{&o.quota.QueriesPerMinute, emulator.HuaweiQuota.QueriesPerMinute},
			{&o.quota.CreatesPerMinute, emulator.HuaweiQuota.CreatesPerMinute},
			{&o.quota.CreatesPerDay, emulator.HuaweiQuota.CreatesPerDay},
			{&o.quota.RefreshesPerMinute, emulator.HuaweiQuota.RefreshesPerMinute},
			{&o.quota.RefreshesPerDay, emulator.HuaweiQuota.RefreshesPerDay},
		} {
			if *field.value == 0 {
				*field.value = field.documented
			}
		}
	}
	return o, nil
}

// run starts the emulator and serves until ctx is cancelled or, with a
// command after --, until the command ends.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseFlags(args, stderr)
	if err != nil {
		return err
	}
	if o.showVersion {
		_, err := fmt.Fprintf(stdout, "vod-emulator %s\n", version)
		return err
	}
	if o.session.detach && os.Getenv(detachedChildEnv) == "" {
		return detach(args, o.session.logFile, stdout)
	}
	logOutput := stderr
	if o.session.logFile != "" {
		f, err := os.OpenFile(o.session.logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o600)
		if err != nil {
			return fmt.Errorf("--log-file: %w", err)
		}
		defer f.Close()
		logOutput = f
	}
	// Microseconds, so that bench/ can time a wait from the log.
	logger := log.New(logOutput, "vod-emulator: ", log.LstdFlags|log.Lmicroseconds)
	processing := o.processingTime
	if processing == 0 {
		processing = -1 // the library reads 0 as "default"; the flag's 0 means immediate
	}
	srv := emulator.New(emulator.Config{
		AccessKey:      o.accessKey,
		SecretKey:      o.secretKey,
		ProjectID:      o.projectID,
		SecurityToken:  o.securityToken,
		ProcessingTime: processing,
		Quota:          o.quota,
		Logf:           logger.Printf,

		SigningAlgorithm:     o.identity.signingAlgorithm,
		ProjectName:          o.identity.projectName,
		TemporaryKeyLifetime: o.identity.temporaryKeyLifetime,
		UppercaseStatus:      o.uppercaseStatus,
	})
	if o.seed != "" {
		if err := srv.LoadSeedFile(o.seed); err != nil {
			return err
		}
		logger.Printf("seeded the tasks of %s; their URLs without a status start processing now", o.seed)
	}
	baseURL, shutdown, err := emulator.Start(o.listen, srv)
	if err != nil {
		return err
	}
	stop := func() error {
		logger.Printf("shutting down")
		shutdownCtx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
		defer cancel()
		err := shutdown(shutdownCtx)
		// One line for scripts (bench/) to read.
		logger.Printf("served %d requests, %d refused over the quota, on %d connections",
			srv.RequestCount(), srv.Throttled(), srv.ConnectionsAccepted())
		return err
	}
	env := providerEnv(o, baseURL)
	if o.session.envFile != "" {
		if err := writeEnvFile(o.session.envFile, env); err != nil {
			return errors.Join(err, stop())
		}
		defer os.Remove(o.session.envFile)
	}
	logger.Printf("serving project %s (security token required: %t, processing time %s, quota %+v)",
		o.projectID, o.securityToken != "", o.processingTime, o.quota)

	if len(o.session.command) > 0 {
		// stdout belongs to the command: the address goes to the log.
		logger.Printf("listening on %s; running %s", baseURL, o.session.command[0])
		commandErr := runCommand(ctx, o.session.command, env, stdout, stderr)
		return errors.Join(commandErr, stop())
	}
	if _, err := fmt.Fprintf(stdout, "listening on %s\n", baseURL); err != nil {
		return errors.Join(err, stop())
	}
	<-ctx.Done()
	return stop()
}
