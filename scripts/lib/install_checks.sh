# scripts/install.sh on a host: into a prefix of its own (install, run again, a changed
# catalog swapped in while a reader watches, uninstall), then with its defaults over an
# install from before the catalog link, and next to the Debian package. Source it in the
# package sandbox (package_sandbox.sh), after package_checks.sh.

INSTALL_SCRIPT="$FLATNET_ROOT/scripts/install.sh"

# tree_listing DIR: every path under DIR with its inode and change time, to prove a run
# changed nothing.
tree_listing() {
    find "$1" -printf '%p %i %C@ %l\n' | sort
}

run_twice_changes_nothing() {  # run_twice_changes_nothing DIR INSTALL-ARGS...
    local dir="$1" before
    shift
    before="$(tree_listing "$dir")"
    "$INSTALL_SCRIPT" "$@" >/dev/null 2>&1 || { echo "the second run failed"; return 1; }
    diff <(printf '%s\n' "$before") <(tree_listing "$dir")
}

catalog_is_a_versioned_link() {  # catalog_is_a_versioned_link SHARE_DIR: one copy, linked
    local target copies
    target="$(readlink "$1/netconf")" || { echo "$1/netconf is not a link"; return 1; }
    [[ "$target" == netconf-???????????? ]] || { echo "$1/netconf -> $target"; return 1; }
    copies="$(find "$1" -mindepth 1 -maxdepth 1 -name 'netconf-*' | wc -l)"
    [ "$copies" -eq 1 ] || { echo "$copies catalog copies in $1"; return 1; }
}

# catalog_never_missing SHARE_DIR OTHER_CHECKOUT ARGS...: installs another checkout's
# catalog and this one's in turn, twice, while a reader checks that SHARE_DIR/netconf
# holds a catalog at every instant it looks. (The rm -rf + mv that install.sh did before
# left the reader without one about 1,400 times in 4 replacements.)
catalog_never_missing() {
    local share="$1" other="$2" gaps reader round targets=()
    shift 2
    gaps="$(mktemp -p /run/flatnet-package-test)"
    (while :; do [ -e "$share/netconf/questions.json" ] || echo gap >> "$gaps"; done) &
    reader=$!
    for round in 1 2; do
        "$other/scripts/install.sh" "$@" >/dev/null 2>&1 && targets+=("$(readlink "$share/netconf")") \
            && "$INSTALL_SCRIPT" "$@" >/dev/null 2>&1 && targets+=("$(readlink "$share/netconf")") \
            || { kill "$reader"; echo "install.sh failed in round $round"; return 1; }
    done
    kill "$reader"
    wait "$reader" 2>/dev/null || true
    [ "${targets[0]}" != "${targets[1]}" ] \
        || { echo "the catalog was not replaced: ${targets[*]}"; return 1; }
    [ ! -s "$gaps" ] || { echo "no catalog at $(wc -l < "$gaps") of the reader's looks"; return 1; }
}

# another_checkout DIR: this checkout's scripts with a catalog whose content differs.
another_checkout() {
    mkdir -p "$1"
    cp -R "$FLATNET_ROOT/scripts" "$FLATNET_ROOT/netconf" "$1/"
    printf '\n' >> "$1/netconf/questions.json"
}

check_install_into_prefix() {  # check_install_into_prefix BINARY SCRATCH
    local prefix="$2/prefix" args
    args=(--no-deps --binary "$1" --prefix "$2/prefix" --bin-dir "$2/prefix/cni/bin")
    say "scripts/install.sh into a prefix of its own"
    expect "install.sh installs into $prefix" "$INSTALL_SCRIPT" "${args[@]}"
    expect "the plugin, its IPAM link, the command link, the catalog and the manifest" exists \
        "$prefix/cni/bin/flatnet" "$prefix/sbin/flatnet" "$prefix/share/flatnet/netconf/questions.json" \
        "$prefix/share/flatnet/install-manifest" "$prefix/share/zsh/site-functions/_flatnet" \
        "$prefix/share/fish/vendor_completions.d/flatnet.fish"
    expect "its manual page renders, without warnings" manual_renders "$prefix/share/man/man1/flatnet.1.gz"
    expect "bash loads its completion" output_contains "complete -o filenames -F _flatnet flatnet" \
        bash_completes "$prefix/share/bash-completion/completions/flatnet"
    expect "flatnet-ipam is the plugin" resolves_to "$prefix/cni/bin/flatnet-ipam" "$prefix/cni/bin/flatnet"
    expect "PREFIX/sbin/flatnet runs (flatnet version)" \
        output_contains "flatnet $(flatnet_upstream_version)" "$prefix/sbin/flatnet" version
    expect "the catalog is a link to its one copy" catalog_is_a_versioned_link "$prefix/share/flatnet"
    expect "a second run changes nothing" run_twice_changes_nothing "$prefix" "${args[@]}"
    another_checkout "$2/other"
    expect "a changed catalog replaces the old one, never missing" \
        catalog_never_missing "$prefix/share/flatnet" "$2/other" "${args[@]}"
    expect "the old catalog's copy is gone" catalog_is_a_versioned_link "$prefix/share/flatnet"
    expect "--uninstall says it kept the host state" \
        output_contains "kept flatnet's host state" "$INSTALL_SCRIPT" --uninstall "${args[@]}"
    expect "--uninstall removed everything install.sh made" missing "$prefix"
}

# The layout install.sh made before the catalog link: the catalog a plain directory.
make_old_install() {  # make_old_install BINARY
    mkdir -p /opt/cni/bin /usr/local/share/flatnet
    install -m 0755 "$1" /opt/cni/bin/flatnet
    ln -sfn flatnet /opt/cni/bin/flatnet-ipam
    cp -R "$FLATNET_ROOT/netconf" /usr/local/share/flatnet/netconf
}

fails_saying() {  # fails_saying TEXT CMD...: CMD fails and says TEXT
    local text="$1" output
    shift
    if output="$("$@" 2>&1)"; then echo "it succeeded: $output"; return 1; fi
    grep -qF -- "$text" <<< "$output" || { printf 'no "%s" in:\n%s\n' "$text" "$output"; return 1; }
}

check_install_with_defaults() {  # check_install_with_defaults BINARY DEB
    local args=(--no-deps --binary "$1")
    say "scripts/install.sh with its defaults, over an older install, then the package over it"
    make_old_install "$1"
    expect "install.sh adopts an install from before the catalog link" "$INSTALL_SCRIPT" "${args[@]}"
    expect "/usr/local/share/flatnet/netconf is now a link" \
        catalog_is_a_versioned_link /usr/local/share/flatnet
    expect "man -w flatnet finds /usr/local's manual page" \
        man_finds flatnet /usr/local/share/man/man1/flatnet.1.gz
    expect "/usr/local/sbin/flatnet finds /usr/local's catalog" \
        catalog_found_by_default /usr/local/sbin/flatnet /usr/local/share/flatnet/netconf
    expect "the package installs over it, naming the /usr/local catalog that comes first" \
        output_contains "is read before this package's catalog" dpkg -i "$2"
    expect "install.sh refuses to replace the package's plugin" \
        fails_saying "belongs to the Debian package flatnet" "$INSTALL_SCRIPT" "${args[@]}"
    expect "--uninstall leaves the package's files to the package" \
        output_contains "left /opt/cni/bin/flatnet: it belongs to the Debian package flatnet" \
        "$INSTALL_SCRIPT" --uninstall
    expect "--uninstall removed its own files" missing /usr/local/share/flatnet/netconf \
        /usr/local/share/flatnet/install-manifest /usr/local/sbin/flatnet \
        /usr/local/share/man/man1/flatnet.1.gz /usr/local/share/bash-completion/completions/flatnet
    expect "dpkg --verify: the package's files are intact" dpkg --verify flatnet
    expect "dpkg purges flatnet" dpkg --purge flatnet
}
