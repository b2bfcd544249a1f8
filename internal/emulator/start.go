package emulator

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net"
	"net/http"
	"time"
)

// Start listens on addr (e.g. "127.0.0.1:0" for a free port) and serves s in
// the background. It returns the base URL ("http://host:port") and a function
// that shuts the listener down gracefully.
func Start(addr string, s *Server) (baseURL string, shutdown func(context.Context) error, err error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return "", nil, err
	}
	// Cancelling the base context on shutdown cuts injected delays short, so a
	// long Delay fault cannot hold up a graceful stop.
	base, cancel := context.WithCancel(context.Background())
	srv := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 10 * time.Second,
		BaseContext:       func(net.Listener) context.Context { return base },
	}
	go func() { _ = srv.Serve(countingListener{ln, s}) }() // returns ErrServerClosed on shutdown
	shutdown = func(ctx context.Context) error {
		cancel()
		return srv.Shutdown(ctx)
	}
	return "http://" + ln.Addr().String(), shutdown, nil
}

// newHexID returns 32 lowercase hex characters, the shape of VOD task ids and
// gateway request ids.
func newHexID() string {
	var b [16]byte
	_, _ = rand.Read(b[:]) // never fails since Go 1.24
	return hex.EncodeToString(b[:])
}

// countingListener counts accepted connections, to show that clients reuse
// them.
type countingListener struct {
	net.Listener
	s *Server
}

func (l countingListener) Accept() (net.Conn, error) {
	conn, err := l.Listener.Accept()
	if err == nil {
		l.s.connections.Add(1)
	}
	return conn, err
}

// ConnectionsAccepted is the number of connections Start's listener accepted.
func (s *Server) ConnectionsAccepted() int64 { return s.connections.Load() }
