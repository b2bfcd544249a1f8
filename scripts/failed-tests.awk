# Prints the whole output of each failed top-level test (its subtests
# included) from a "go test -v" log, in the order the tests failed, under a
# header naming the test and its package. POSIX awk: runs on macOS too.
#
#   awk -f scripts/failed-tests.awk test.log
#
# go test -v marks whose output follows with "=== RUN|CONT|NAME|PAUSE name"
# and ends a test with "--- PASS|FAIL|SKIP: name"; a package's tests end
# with "PASS" or "FAIL", the package with "ok<tab>package" or
# "FAIL<tab>package".
function top(name) {
  sub(/\/.*/, "", name)
  return name
}
{ line[NR] = $0 }
/^=== (RUN|CONT|NAME|PAUSE) / { current = $3 }
/^[[:space:]]*--- (FAIL|PASS|SKIP): / {
  current = $3
  if ($2 == "FAIL:") {
    key = segment SUBSEP top(current)
    if (!(key in failed)) {
      failed[key] = ++failures
      order[failures] = key
    }
  }
}
/^(PASS|FAIL)$/ { current = "" }
{ owner[NR] = (current == "" ? "" : segment SUBSEP top(current)) }
/^(ok|FAIL)[[:space:]]/ {
  package[segment] = $2
  current = ""
  segment++
}
END {
  for (i = 1; i <= failures; i++) {
    key = order[i]
    split(key, parts, SUBSEP)
    where = (parts[1] in package) ? package[parts[1]] : "unknown package"
    print "======== " parts[2] " (" where "): its whole output ========"
    for (j = 1; j <= NR; j++) {
      if (owner[j] == key) print line[j]
    }
  }
}
