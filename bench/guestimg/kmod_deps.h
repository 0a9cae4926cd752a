/*
 * Which module files a kernel needs to load for a list of module names, in
 * load order (each after the modules it depends on), from its modules
 * directory (/lib/modules/RELEASE): modules.dep says what each module file
 * needs, modules.builtin which modules are built into the kernel (those
 * need no file). Names compare with '-' and '_' alike, as modprobe does.
 */
#ifndef GUESTIMG_KMOD_DEPS_H
#define GUESTIMG_KMOD_DEPS_H

#include <stddef.h>

/*
 * Sets *paths to a NULL-terminated list of module files relative to moddir,
 * in load order (malloc'ed, free with kmods_free). Returns how many, or -1
 * with err: moddir has no modules.dep, or a name is neither built in nor a
 * module there.
 */
int kmods_resolve(const char *moddir, const char *const *names, char ***paths,
		  char *err, size_t errlen);
void kmods_free(char **paths);

#endif
