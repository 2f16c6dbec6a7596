# The steps of scripts/install.sh. Source it after common.sh.
#
# Every path install.sh puts in place is listed in SHARE_DIR/install-manifest, one per
# line: "file PATH", "link PATH", "catalog PATH" (a catalog directory) or "dir PATH" (a
# directory install.sh created). --uninstall removes exactly those, and nothing else.
# Replacements are atomic: a new file or link is made beside the old one and renamed
# over it (rename(2)), so a runtime exec'ing the plugin or flatnet reading its catalog
# never sees a half-written file or a missing one.

MANIFEST_ENTRIES=()

manifest_add() {  # manifest_add KIND PATH
    local entry="$1 $2" existing
    for existing in "${MANIFEST_ENTRIES[@]}"; do
        [ "$existing" = "$entry" ] && return 0
    done
    MANIFEST_ENTRIES+=("$entry")
}

# manifest_load FILE: what an earlier run put in place stays listed (a run with another
# --bin-dir does not forget the first one's plugin).
manifest_load() {
    [ -f "$1" ] || return 0
    local kind path
    while read -r kind path; do
        manifest_add "$kind" "$path"
    done < "$1"
}

# manifest_write FILE: the entries still in place (a replaced catalog copy is gone);
# written only when they changed, so that a run that changes nothing touches nothing.
manifest_write() {
    local entry entries=""
    for entry in "${MANIFEST_ENTRIES[@]}"; do
        if [ -e "${entry#* }" ] || [ -L "${entry#* }" ]; then entries+="$entry"$'\n'; fi
    done
    [ -f "$1" ] && [ "$(cat "$1")"$'\n' = "$entries" ] && return 0
    printf '%s' "$entries" > "$1.new"
    mv -f "$1.new" "$1"
}

# make_dirs DIR: creates DIR and its missing parents, recording each one it created.
make_dirs() {
    local dir="$1" missing=()
    while [ ! -d "$dir" ]; do
        missing=("$dir" "${missing[@]}")
        dir="$(dirname "$dir")"
    done
    for dir in "${missing[@]}"; do
        mkdir -m 0755 "$dir"
        manifest_add dir "$dir"
    done
}

# Which of the paths install.sh writes a Debian package owns, asked once: dpkg-query -S
# reads every package's file list (0.2-0.4 s a call here).
PACKAGE_OWNERS=""

learn_package_owners() {  # learn_package_owners PATH...
    command -v dpkg-query >/dev/null 2>&1 || return 0
    PACKAGE_OWNERS="$(dpkg-query -S "$@" 2>/dev/null || true)"
}

# owning_package PATH: the package that owns PATH ("package: /path" in dpkg-query -S).
owning_package() {
    awk -v path="$1" '{
        split($0, owner, ": ")
        if (substr($0, length(owner[1]) + 3) == path) { print owner[1]; exit }
    }' <<< "$PACKAGE_OWNERS"
}

refuse_package_owned() {  # refuse_package_owned PATH: a package's file is apt's to replace
    local package
    package="$(owning_package "$1")"
    [ -z "$package" ] || die "$1 belongs to the Debian package $package: upgrade or remove it with apt"
}

install_binary() {  # install_binary BINARY DIR
    local target="$2/flatnet"
    refuse_package_owned "$target"
    if cmp -s "$1" "$target"; then
        say "$target is already this build"
    else
        install -m 0755 "$1" "$2/.flatnet.new"
        mv -f "$2/.flatnet.new" "$target"
        say "installed $target"
    fi
    manifest_add file "$target"
}

replace_link() {  # replace_link TARGET LINK: LINK points to TARGET, swapped in by rename
    refuse_package_owned "$2"
    if [ "$(readlink "$2" 2>/dev/null)" != "$1" ]; then
        ln -sfn "$1" "$2.new"
        mv -T "$2.new" "$2"
        say "linked $2 -> $1"
    fi
    manifest_add link "$2"
}

# install_generated FILE COMMAND...: COMMAND's output as FILE, replaced by rename when it
# differs (compared first, so that an unchanged file is not touched).
install_generated() {
    local target="$1"
    shift
    refuse_package_owned "$target"
    if ! cmp -s <("$@") "$target"; then
        "$@" > "$target.new"
        chmod 0644 "$target.new"
        mv -f "$target.new" "$target"
        say "installed $target"
    fi
    manifest_add file "$target"
}

# generated_paths PREFIX: where the manual page and the completions go, where man and the
# shells look under /usr/local (zsh's fpath has PREFIX/share/zsh/site-functions;
# vendor-completions is for packages).
generated_paths() {
    MANUAL_PAGE="$1/share/man/man1/flatnet.1.gz"
    BASH_COMPLETION="$1/share/bash-completion/completions/flatnet"
    ZSH_COMPLETION="$1/share/zsh/site-functions/_flatnet"
    FISH_COMPLETION="$1/share/fish/vendor_completions.d/flatnet.fish"
}

install_manual_and_completions() {  # install_manual_and_completions BINARY PREFIX
    local binary="$1" path
    generated_paths "$2"
    for path in "$MANUAL_PAGE" "$BASH_COMPLETION" "$ZSH_COMPLETION" "$FISH_COMPLETION"; do
        make_dirs "$(dirname "$path")"
    done
    install_generated "$MANUAL_PAGE" manual_page "$binary"
    install_generated "$BASH_COMPLETION" completion_script "$binary" bash
    install_generated "$ZSH_COMPLETION" completion_script "$binary" zsh
    install_generated "$FISH_COMPLETION" completion_script "$binary" fish
}

# catalog_id: a digest of the catalog's content, so that an unchanged catalog is left alone.
catalog_id() {
    (cd "$FLATNET_ROOT/netconf" && find . -type f -print0 | sort -z | xargs -0 sha256sum) \
        | sha256sum | cut -c1-12
}

# install_catalog SHARE_DIR: SHARE_DIR/netconf is a link to SHARE_DIR/netconf-<id>; a new
# catalog is copied beside the old one and the link renamed over the old link, so a reader
# finds one catalog or the other, never none. The directory of the catalog it replaced is
# removed afterwards.
install_catalog() {
    local share="$1" id link="$1/netconf"
    id="netconf-$(catalog_id)"
    refuse_package_owned "$link"
    if [ "$(readlink "$link" 2>/dev/null)" = "$id" ] && [ -d "$share/$id" ]; then
        say "the catalog in $link is already this one"
    else
        rm -rf "$share/.$id.new" && cp -R "$FLATNET_ROOT/netconf" "$share/.$id.new"
        chmod -R u=rwX,go=rX "$share/.$id.new"
        rm -rf "${share:?}/$id" && mv -T "$share/.$id.new" "$share/$id"
        ln -sfn "$id" "$link.new"
        adopt_catalog_directory "$share"
        mv -T "$link.new" "$link"
        say "installed the catalog in $link (-> $id)"
    fi
    remove_other_catalogs "$share" "$id"
    manifest_add link "$link"
    manifest_add catalog "$share/$id"
}

# Before the link, install.sh put the catalog in a plain directory, which a link cannot be
# renamed over: it moves aside first. A reader can miss the catalog between these two
# renames, once, on the first run over such an install.
adopt_catalog_directory() {
    local share="$1"
    if [ -d "$share/netconf" ] && [ ! -L "$share/netconf" ]; then
        rm -rf "$share/.netconf-replaced"
        mv -T "$share/netconf" "$share/.netconf-replaced"
    fi
}

remove_other_catalogs() {  # remove_other_catalogs SHARE_DIR KEEP
    local directory
    for directory in "$1"/netconf-???????????? "$1/.netconf-replaced"; do
        [ -d "$directory" ] && [ "$(basename "$directory")" != "$2" ] && rm -rf "$directory"
    done
    return 0
}

# uninstall_from_manifest FILE: removes what the manifest lists, newest first; a path a
# Debian package now owns (the package was installed over it) is left to the package.
uninstall_from_manifest() {
    local manifest="$1" kind path package entries=() index
    mapfile -t entries < "$manifest"
    rm -f "$manifest"
    learn_package_owners "${entries[@]#* }"
    for ((index = ${#entries[@]} - 1; index >= 0; index--)); do
        read -r kind path <<< "${entries[index]}"
        package="$(owning_package "$path")"
        if [ -n "$package" ] && [ "$kind" != dir ]; then
            say "left $path: it belongs to the Debian package $package now"
            continue
        fi
        uninstall_entry "$kind" "$path"
    done
}

uninstall_entry() {  # uninstall_entry KIND PATH
    case "$1" in
        file|link) rm -f "$2" && say "removed $2" ;;
        catalog) rm -rf "$2" && say "removed $2" ;;
        dir) [ ! -d "$2" ] || { rmdir "$2" 2>/dev/null && say "removed $2"; } || say "left $2: not empty" ;;
        *) die "unknown manifest entry: $1 $2" ;;
    esac
}
