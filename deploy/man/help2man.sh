#!/bin/sh
# help2man.sh OUTPUT NAME VERSION DESCRIPTION STDERR EXECUTABLE [help2man options...]
# A man page from the program's own --help (the same text the user sees). The program is
# called through a symlink named NAME found in PATH, so that its usage line says NAME and not
# the build directory. STDERR: "keep" when the program writes its help to standard error.
set -eu
out=$1 name=$2 version=$3 desc=$4 stderr=$5 exe=$6
shift 6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
case $exe in /*) ;; *) exe=$PWD/$exe ;; esac
ln -s "$exe" "$tmp/$name"
keep=
[ "$stderr" = keep ] && keep=--no-discard-stderr
PATH="$tmp:$PATH" help2man --no-info $keep --version-string="$version" --name="$desc" \
	--output="$out.tmp" "$@" "$name"
# A script sees the symlink's full path as $0: leave only NAME.
sed "s#$tmp/##g" "$out.tmp" > "$out"
rm -f "$out.tmp"
