# tests/crash/points.awk: reads a plain strace log of one process (strace -o
# without -f) and prints one line per system call after the first execve:
#   INDEX NAME OCCURRENCE
# INDEX counts every call (1 = the first after execve); OCCURRENCE counts
# calls of NAME, execve's own excluded as strace's when= counts them.
# Signal and exit lines ("--- ", "+++ ") are skipped.
# With -v last=1, prints only "INDEX NAME OCCURRENCE KILLED" for the last
# call, KILLED 1 when it never returned ("= ?") and the log ends with
# "+++ killed by SIGKILL +++" (strace's word for a SIGKILL death).
/^\+\+\+ / { end = $0; next }
/^--- / { next }
{
	if (!match($0, /^[a-z_0-9]+\(/))
		next
	name = substr($0, 1, RLENGTH - 1)
	if (!started) {
		if (name == "execve")
			started = 1
		next
	}
	n++
	occ[name]++
	lastline = n " " name " " occ[name]
	unfinished = $0 ~ / = \?$/
	end = ""
	if (!last)
		print lastline
}
END {
	if (last)
		print lastline, (unfinished && end == "+++ killed by SIGKILL +++")
}
