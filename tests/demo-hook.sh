#!/bin/sh
# tests/demo-hook.sh: the example hook of "make demo", and a starting point
# for your own. inhook runs it once per verified delivery with the build's
# fields as WEBHOOK_* variables and the request's as CGI names; its standard
# input is the JSON body; its output goes to inhook's log; exit 0 means
# "200 OK" for the sender. Usage: demo-hook.sh FILE: writes what it
# received, sorted, to FILE.
out=${1:?usage: demo-hook.sh FILE}
env | grep -E '^(WEBHOOK_|INHOOK_|REQUEST_|QUERY_STRING=|CONTENT_|REMOTE_)' |
    LC_ALL=C sort > "$out"
echo "build $WEBHOOK_BUILD_ID: $WEBHOOK_STATUS ($WEBHOOK_RUNS_COUNT runs)"
