# A disposable copy of this machine's /usr, /etc, /var, /opt and /run, for the tests that
# install flatnet (TESTING.md: never install anything on the machine itself). Source it in
# a process started by `unshare --mount --net`: each tree gets an overlay whose upper
# layer is a tmpfs, so dpkg and install.sh write only there, and every change vanishes
# with the mount namespace. The machine's files are the read-only lower layers.

SANDBOX_TREES=(usr etc var opt run)

# enter_package_sandbox SCRATCH: refuses unless this process is in another mount namespace
# than its parent (which started it with `unshare --mount`), both read without doubt; then
# overlays each tree, upper layers on a tmpfs mounted on SCRATCH.
enter_package_sandbox() {
    local scratch="$1" tree here parent
    here="$(stat -L -c '%d:%i' /proc/self/ns/mnt)" || die "cannot read this process's mount namespace"
    parent="$(stat -L -c '%d:%i' "/proc/$PPID/ns/mnt")" || die "cannot read the parent's mount namespace"
    [ -n "$here" ] && [ -n "$parent" ] && [ "$here" != "$parent" ] \
        || die "the package sandbox needs a private mount namespace (unshare --mount)"
    mount --make-rprivate /
    mount -t tmpfs flatnet-sandbox "$scratch"
    for tree in "${SANDBOX_TREES[@]}"; do
        [ -d "/$tree" ] || die "/$tree does not exist: the sandbox overlays existing trees only"
        mkdir "$scratch/$tree.upper" "$scratch/$tree.work"
        mount -t overlay flatnet-sandbox \
            -o "lowerdir=/$tree,upperdir=$scratch/$tree.upper,workdir=$scratch/$tree.work" "/$tree"
        [ "$(findmnt -n -o FSTYPE --mountpoint "/$tree")" = overlay ] || die "/$tree is not overlaid"
    done
}

# The checks: each prints one line, ok or FAIL with the command's output; a failure does
# not stop the run (later checks say how far the damage goes), sandbox_verdict fails it.
SANDBOX_FAILURES=0
SANDBOX_CHECKS=0

expect() {  # expect DESCRIPTION CMD...: CMD succeeds
    local description="$1" output
    shift
    SANDBOX_CHECKS=$((SANDBOX_CHECKS + 1))
    if output="$("$@" 2>&1)"; then
        printf '  ok    %s\n' "$description"
    else
        printf '  FAIL  %s\n' "$description"
        printf '%s\n' "$output" | head -n 20 | sed 's/^/        /'
        SANDBOX_FAILURES=$((SANDBOX_FAILURES + 1))
    fi
}

sandbox_verdict() {
    printf '%d checks, %d failed\n' "$SANDBOX_CHECKS" "$SANDBOX_FAILURES"
    [ "$SANDBOX_FAILURES" -eq 0 ]
}

# Predicates for expect, each saying what it saw when it fails.
exists() {  # exists PATH...: each is there (a dangling link counts as there)
    local path
    for path in "$@"; do
        [ -e "$path" ] || [ -L "$path" ] || { echo "missing: $path"; return 1; }
    done
}

missing() {  # missing PATH...: none is there
    local path
    for path in "$@"; do
        if [ -e "$path" ] || [ -L "$path" ]; then echo "still there: $path"; return 1; fi
    done
}

output_contains() {  # output_contains TEXT CMD...: CMD succeeds and prints TEXT
    local text="$1" output
    shift
    output="$("$@" 2>&1)" || { printf '%s\n(exit status %d)\n' "$output" "$?"; return 1; }
    grep -qF -- "$text" <<< "$output" || { printf 'no "%s" in:\n%s\n' "$text" "$output"; return 1; }
}

resolves_to() {  # resolves_to LINK TARGET: LINK leads (through any links) to TARGET
    local resolved
    resolved="$(readlink -f "$1")"
    [ "$resolved" = "$2" ] || { echo "$1 resolves to ${resolved:-nothing}, not $2"; return 1; }
}

man_finds() {  # man_finds PAGE FILE: `man -w PAGE` names FILE (or a path through links to it)
    local found
    found="$(man -w "$1" 2>&1)" || { echo "$found"; return 1; }
    [ "$(readlink -f "$found")" = "$2" ] || { echo "man -w $1: $found"; return 1; }
}

dpkg_status_is() {  # dpkg_status_is "STATUS VERSION": dpkg's record of flatnet, or "unknown to dpkg"
    local seen
    seen="$(dpkg-query -W -f='${Status} ${Version}' flatnet 2>/dev/null)" || seen="unknown to dpkg"
    [ "$seen" = "$1" ] || { echo "dpkg-query says: $seen"; return 1; }
}

dpkg_audit_clean() {  # no package half-installed, half-configured or awaiting triggers
    local report
    report="$(dpkg --audit 2>&1)"
    [ -z "$report" ] || { printf '%s\n' "$report"; return 1; }
}
