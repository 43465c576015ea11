#!/bin/sh
# Builds gfp with sanitizers in a build directory of its own and runs its
# tests there:
#
#   tests/sanitize.sh [--dir DIR] [MAKE-ARGUMENT...]
#       ASan and UBSan (-fsanitize=address,undefined, UBSan findings fatal)
#       with CC (default gcc), then "make check" with the arguments given,
#       e.g. TESTSUITEFLAGS='-k pmmap'.  dpdk-testpmd, which the net_pmmap
#       tests load the sanitized plugin into, runs with the compiler's
#       sanitizer runtimes preloaded.  DIR defaults to _sanitize.
#
#   tests/sanitize.sh --fuzz [--dir DIR] [MAKE-ARGUMENT...]
#       The libFuzzer targets with CC (default clang), then
#       "make check-fuzz", e.g. FUZZ_SECONDS=300.  DIR defaults to _fuzz.
#
# The sources are those of the tree this script is in, as they are (tracked
# and untracked files git does not ignore), copied to DIR/src and built
# there: a tree configured in place (as gfp-setup does) cannot also be the
# source of a separate build directory.  DIR is kept, so that a second run
# rebuilds only what changed.  Exits non-zero on any failure or finding.
set -eu

fuzz=false
dir=
while [ $# -gt 0 ]; do
    case $1 in
    --fuzz) fuzz=true; shift ;;
    --dir) dir=$2; shift 2 ;;
    --dir=*) dir=${1#--dir=}; shift ;;
    -h|--help)
        sed -n '2,/^set -eu/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 0 ;;
    *) break ;;
    esac
done

top=$(cd "$(dirname "$0")/.." && pwd)
if $fuzz; then
    : "${dir:=$top/_fuzz}"
    : "${CC:=clang}"
else
    : "${dir:=$top/_sanitize}"
    : "${CC:=gcc}"
fi
mkdir -p "$dir/src"
dir=$(cd "$dir" && pwd)
src=$dir/src
say() { echo "sanitize: $*"; }

say "copying the sources of $top to $src"
(cd "$top" && git ls-files -z --cached --others --exclude-standard \
     | tar --null -T - --ignore-failed-read -cf - 2>/dev/null) \
    | tar -xf - -C "$src"

cd "$src"
if [ ! -x configure ] || [ configure.ac -nt configure ]; then
    say "running boot.sh"
    ./boot.sh > "$dir/boot.log" 2>&1 || { tail -20 "$dir/boot.log"; exit 1; }
fi

sanflags="-g -O1 -fno-omit-frame-pointer -fsanitize=address,undefined \
-fno-sanitize-recover=all"
if ! $fuzz; then
    # The runtimes that a program not built with them (dpdk-testpmd) needs
    # preloaded to load a sanitized plugin.
    asan=$($CC -print-file-name=libasan.so)
    ubsan=$($CC -print-file-name=libubsan.so)
    for lib in "$asan" "$ubsan"; do
        case $lib in
        /*) ;;
        *) say "$CC has no $lib: install its sanitizer runtimes"; exit 1 ;;
        esac
    done
    testpmd=$(command -v dpdk-testpmd || true)
    wrapper=
    if [ -n "$testpmd" ]; then
        wrapper=$dir/dpdk-testpmd
        cat > "$wrapper" <<WRAPPER
#!/bin/sh
# dpdk-testpmd with the sanitizer runtimes of $CC, for a sanitized plugin.
LD_PRELOAD="$asan $ubsan\${LD_PRELOAD:+ \$LD_PRELOAD}" exec "$testpmd" "\$@"
WRAPPER
        chmod 0755 "$wrapper"
    fi
fi

if [ ! -f Makefile ] || [ configure -nt Makefile ] \
   || [ "$(cat "$dir/cc" 2>/dev/null)" != "$CC" ]; then
    say "configuring with CC=$CC"
    if $fuzz; then
        ./configure CC="$CC" --enable-fuzz > "$dir/configure.log" 2>&1 \
            || { tail -20 "$dir/configure.log"; exit 1; }
    else
        ./configure CC="$CC" CFLAGS="$sanflags" \
            LDFLAGS="-fsanitize=address,undefined" \
            DPDK_TESTPMD="$wrapper" > "$dir/configure.log" 2>&1 \
            || { tail -20 "$dir/configure.log"; exit 1; }
    fi
    echo "$CC" > "$dir/cc"
fi

jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s)
if $fuzz; then
    say "building and running the fuzz targets"
    make -j"$jobs" check-fuzz "$@"
else
    say "building"
    make -j"$jobs" > "$dir/make.log" 2>&1 \
        || { tail -40 "$dir/make.log"; exit 1; }
    say "make check $*"
    # ASan's reports (leaks too) go to files of their own, so that a
    # program run in the background or whose stderr a test ignores cannot
    # hide one.  UBSan's go to the program's stderr (gcc's runtime ignores
    # log_path) and end it with SIGABRT, which fails the test; the log of
    # the suite is searched for them as well.  Any report fails the run.
    reports=$dir/reports
    rm -rf "$reports"
    mkdir -p "$reports"
    status=0
    asan_opts=${ASAN_OPTIONS:-detect_leaks=1:strict_string_checks=1}
    ubsan_opts=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
    ASAN_OPTIONS=$asan_opts:log_path=$reports/asan \
    UBSAN_OPTIONS=$ubsan_opts:abort_on_error=1 \
        make check "$@" || status=$?
    found=$(ls "$reports" | wc -l)
    if [ "$found" != 0 ]; then
        for f in "$reports"/*; do
            echo "== $f"
            head -60 "$f"
        done
    fi
    ub=$(grep -hE 'runtime error:|ERROR: (Address|Leak)Sanitizer' \
             tests/testsuite.log 2>/dev/null | sort -u)
    if [ -n "$ub" ]; then
        echo "== in tests/testsuite.log:"
        echo "$ub"
        found=$((found + $(echo "$ub" | wc -l)))
    fi
    if [ "$found" != 0 ]; then
        say "FAILED: $found sanitizer report(s)"
        status=1
    fi
    ok=$(grep -cE '^[0-9]+\. .*: ok' tests/testsuite.log 2>/dev/null || true)
    say "make check under ASan and UBSan: $ok tests ok, exit $status"
    [ "$status" = 0 ] || exit "$status"
fi
say "done in $(($(date +%s) - start)) s"
