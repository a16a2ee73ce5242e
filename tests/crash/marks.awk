# tests/crash/marks.awk: the landmarks of a delivery in a plain strace log of
# inhook (see points.awk for the numbering). Prints NAME=INDEX lines, the
# index of the call itself (a kill at INDEX happens before it takes effect):
#   claim    linkat of the dedupe claim to its name
#   spooled  renameat of the spool entry from tmp/ into new/
#   kept     pwrite of the claim's outcome ("STATUS TIME")
#   fork     clone of the hook's keeper
#   answer   write of the HTTP answer to standard output
#   reaped   wait4/waitid that returns the keeper (the hook has ended)
#   removed  renameat of the spool entry out of new/ (hook succeeded)
#   last     the last call
/^(---|\+\+\+) / { next }
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
	if (name == "linkat" && !m["claim"])
		m["claim"] = n
	else if (name ~ /^rename/ && !m["spooled"])
		m["spooled"] = n
	else if (name ~ /^rename/ && m["reaped"] && !m["removed"])
		m["removed"] = n
	else if (name ~ /^pwrite/ && $0 ~ /^pwrite64\([0-9]+, "[0-9][0-9][0-9] [0-9]+/ && !m["kept"])
		m["kept"] = n
	else if (name ~ /^(clone|clone3|fork|vfork)$/ && !m["fork"])
		m["fork"] = n
	else if (name ~ /^writev?$/ && $0 ~ /^writev?\(1, .*HTTP\/1\.[01] / && !m["answer"])
		m["answer"] = n
	else if (name ~ /^(wait4|waitid)$/ && m["fork"] && !m["reaped"] && $0 ~ /= [1-9][0-9]*$/)
		m["reaped"] = n
}
END {
	m["last"] = n
	for (k in m)
		print k "=" m[k]
}
