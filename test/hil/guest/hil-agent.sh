#!/bin/bash
# The HIL suite's agent inside the guest (installed by test/hil/guest-root.ts, run by
# hil-agent.service once multi-user.target is reached). The host sends one request per line on
# the virtio-serial port hil.ctl:  ID BASE64(bash script)
# and each request runs in its own bash, concurrently, answering on one line:
#   ID EXIT-CODE BASE64(stdout) BASE64(stderr)
# The first line sent is "hello", so the host knows the guest has booted.
set -u
PORT=/dev/virtio-ports/hil.ctl
LOCK=/run/hil-agent.lock
exec 3<>"$PORT"

reply() { # ID RC OUTFILE ERRFILE; one writer at a time, so answers never interleave
  local out err
  out=$(base64 -w0 <"$3")
  err=$(base64 -w0 <"$4")
  { flock 9; printf '%s %s %s %s\n' "$1" "$2" "$out" "$err" >&3; } 9>"$LOCK"
}

handle() { # ID BASE64
  local dir rc
  dir=$(mktemp -d /run/hil-req.XXXXXX)
  printf '%s' "$2" | base64 -d >"$dir/script"
  bash "$dir/script" >"$dir/out" 2>"$dir/err" </dev/null
  rc=$?
  reply "$1" "$rc" "$dir/out" "$dir/err"
  rm -rf "$dir"
}

uname -r >/run/hil-hello.out
: >/run/hil-hello.err
reply hello 0 /run/hil-hello.out /run/hil-hello.err
while IFS=' ' read -r id b64 <&3; do
  [ -n "$id" ] || continue
  handle "$id" "$b64" &
done
