/* The build stamp: facts about the build that the sources cannot know (the git commit,
 * the build date, the Swift compiler's version). scripts/lib/common.sh build_release
 * compiles them into a separate object and links it in; a plain `swift build` has none.
 * A link-time stamp changes only the link step, so a new commit does not recompile
 * everything (a -D define would: it changes every compile command). */
#ifndef FLATNET_CBUILDSTAMP_H
#define FLATNET_CBUILDSTAMP_H

/* The stamp's text ("key=value" lines), or NULL when this binary was built without one. */
const char *flatnet_build_stamp(void);

#endif
