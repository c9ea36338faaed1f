# Assignments as netifrc, GRUB and OpenRC files write them; every value
# here must equal what bash gives after sourcing the file.
plain=value
quoted="two words"
single='$not "expanded" `either`'
empty=
empty_quotes=""
number=42
escaped=a\ b\$c
dq_escapes="q\"r\\s\$t\`u\x"
continued="first \
second"
multiline="default via 192.0.2.1
10.0.0.0/8 via 192.0.2.2"
concat=pre"mid $plain"'post'
ref="${quoted} and $plain"
ref_adjacent="$plain${number}x"
default_unset="${nothing:-fallback}"
default_set="${plain:-fallback}"
default_dash="${empty-kept}"
alt_set="${plain:+alternative}"
alt_unset="${nothing:+alternative}"
ansi=$'tab\there\x41\101\n'
export exported="yes"
export e1=1 e2="2 2"
appended=a
appended+=" b"
array=( "192.0.2.10/24" 'x y' z )
array+=( w )
array_null=("null")
array_multi=(
	"10.0.0.1/24"
	"10.0.0.2/24"  # a comment
)
array_ref=( $quoted "$quoted" )
GRUB_CMDLINE_LINUX="dolvm root=/dev/vg0/root ${GRUB_CMDLINE_LINUX}"
hash=x#y
tail=1 # a comment after the value
a=1; b=2
unicode="ümlaut"
overwritten=first
overwritten=second
config_br0="192.0.2.1/24 brd 192.0.2.255"
routes_br0="default via 192.0.2.254"
bridge_br0="eth0.10"
rc_hotplug="!net.* *"
