#!/bin/bash
# vswitchctl's man page and bash completion, as installed:
#  - the page renders without a warning (groff -ww, and man -l when present);
#  - every command and every option that "vswitchctl --help" lists is in the
#    page and every option in the completion script, so neither drifts from
#    the command table;
#  - the completion script is valid bash and completes nouns, verbs,
#    options, option values and, through the daemon, switch and port names
#    (here a stand-in vswitchctl that answers "port list" and "switch list").
# Exit 77 (skipped) when groff is not installed.
set -u
CTL=$1 SRC=$2
page=$SRC/docs/vswitchctl.8
comp=$SRC/ctl/vswitchctl.bash-completion
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

command -v groff >/dev/null || { echo "SKIP: groff is not installed"; exit 77; }
warn=$(groff -man -Tutf8 -ww -z "$page" 2>&1)
[ -z "$warn" ] || fail "groff warns: $warn"
if command -v man >/dev/null; then
	warn=$(MANWIDTH=80 man --warnings -l "$page" 2>&1 >/dev/null)
	[ -z "$warn" ] || fail "man -l warns: $warn"
fi
echo "ok - the man page renders without warnings"

# The page as text, hyphenation and adjustment off so words stay whole.
printf '.nh\n.na\n' | cat - "$page" | groff -man -Tascii -P-cbou 2>/dev/null |
	tr -s ' \n' ' ' >"$tmp/page.txt"
"$CTL" --help >"$tmp/help.txt" || fail "vswitchctl --help"
n=0
while read -r _ noun verb _; do
	[[ $verb == "[start]" ]] && verb=start
	[[ $verb == -* || -z $verb ]] && continue
	grep -q "$noun $verb\|$noun \[$verb\]" "$tmp/page.txt" || fail "the page lacks '$noun $verb'"
	n=$((n + 1))
done < <(grep '^  vswitchctl ' "$tmp/help.txt")
[ "$n" -ge 18 ] || fail "only $n commands in vswitchctl --help"
for opt in $(grep -o -- '--[a-z][a-z-]*' "$tmp/help.txt" | sort -u); do
	grep -q -- "$opt" "$tmp/page.txt" || fail "the page lacks $opt"
	grep -q -- "$opt" "$comp" || fail "the completion lacks $opt"
done
echo "ok - the page documents all $n commands and every option of --help"

bash -n "$comp" || fail "bash -n $comp"
cat >"$tmp/vswitchctl" <<'STUB'
#!/bin/bash
echo "$*" >>"${0%/*}/calls"
case "$*" in
*"port list"*) printf '[{\n\t\t"name":\t"vm1",\n\t\t"switch":\t"lab"\n\t}, {\n\t\t"name":\t"vm2"\n\t}]\n' ;;
*"switch list"*) printf '[{\n\t\t"name":\t"lab",\n\t\t"ports":\t["vm1", "vm2"]\n\t}]\n' ;;
*) exit 3 ;;
esac
STUB
chmod +x "$tmp/vswitchctl"
# complete LINE: what <TAB> at the end of LINE offers, space-separated.
complete_line() {
	bash -c '
		source "$1"
		read -r -a COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		_vswitchctl
		echo "${COMPREPLY[*]}"' _ "$comp" "$1"
}
check() {
	local got
	got=$(complete_line "$1")
	[ "$got" = "$2" ] || fail "completing '$1': got '$got', want '$2'"
}
V=$tmp/vswitchctl
check "$V po" "port"
check "$V s" "switch stats"
check "$V mac" "mac-pool"
check "$V mac-pool " "show set"
check "$V port set vm1 --m" "--mac --mac-spoofing --mtu"
check "$V --j" "--json"
check "$V capture st" "start stop"
check "$V switch add lab --type " "external internal private"
check "$V port add lab vm3 --k" "--kind"
check "$V port add lab vm3 --kind " "emulated netvsc ring pcap vdev"
check "$V switch set " "lab"
check "$V switch add ext --allow-management-os " "on off"
check "$V port add lab vm3 --kind ring --vlan " "access trunk untagged"
check "$V port set vm1 --vlan trunk 10,20 --n" "--native"
check "$V capture vm1 --dir " "rx tx both"
check "$V capture start vm1 --format pcap" "pcap pcapng"
check "$V capture start vm1 --m" "--max-bytes"
check "$V port del v" "vm1 vm2"
check "$V port add " "lab"
check "$V fdb show lab --port " "vm1 vm2"
check "$V --socket /run/x.sock capture " "start stop list vm1 vm2"
check "$V nl" "nlb"
check "$V nlb " "add del list"
check "$V nlb add " "lab"
check "$V nlb add lab --mode " "unicast multicast igmp"
check "$V nlb add lab --ip 10.0.0.100 --members " "vm1 vm2"
check "$V nlb add lab --ip 10.0.0.100 --members vm1," "vm1,vm1 vm1,vm2"
check "$V nlb add lab --local-only --m" "--mode --members"
check "$V nlb del lab --" "--ip --vlan --help"
grep -q -- "--socket /run/x.sock --json port list" "$tmp/calls" ||
	fail "names were not asked of the --socket given: $(cat "$tmp/calls")"
rm -f "$tmp/calls"
check "$V fdb show --vlan " ""
[ ! -e "$tmp/calls" ] || fail "a VLAN id was completed with names"
echo "ok - bash completion: nouns, verbs, options, values, names from the daemon"
