/* Module dependencies from modules.dep (kmod_deps.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kmod_deps.h"

struct dep_entry {
	char *path;      /* relative to the modules directory */
	char *deps;      /* the rest of the line: its dependencies, space-separated */
	int state;       /* 0 not visited, 1 in the load order */
};

struct dep_table {
	struct dep_entry *e;
	int n;
	char **order;
	int norder;
};

/* The module name of a path: kernel/drivers/virtio/virtio_pci.ko -> virtio_pci */
static void module_name(const char *path, char *name, size_t len)
{
	const char *base = strrchr(path, '/');

	snprintf(name, len, "%s", base ? base + 1 : path);
	char *dot = strstr(name, ".ko");
	if (dot)
		*dot = '\0';
	for (char *p = name; *p; p++)
		if (*p == '-')
			*p = '_';
}

static int same_name(const char *a, const char *b)
{
	for (; *a && *b; a++, b++)
		if (*a != *b && !((*a == '-' || *a == '_') && (*b == '-' || *b == '_')))
			return 0;
	return *a == *b;
}

static int load_dep(const char *moddir, struct dep_table *t, char *err, size_t errlen)
{
	char path[4096], *line = NULL;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/modules.dep", moddir);
	f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen, "%s: %s (not a kernel's modules directory; depmod makes it)",
			 path, strerror(errno));
		return -1;
	}
	while (getline(&line, &cap, f) > 0) {
		char *colon = strchr(line, ':');
		if (!colon)
			continue;
		*colon = '\0';
		colon[1 + strcspn(colon + 1, "\n")] = '\0';
		struct dep_entry *grown = realloc(t->e, sizeof(*t->e) * (size_t)(t->n + 1));
		if (!grown)
			break;
		t->e = grown;
		t->e[t->n++] = (struct dep_entry){ .path = strdup(line), .deps = strdup(colon + 1) };
	}
	free(line);
	fclose(f);
	return 0;
}

static int builtin(const char *moddir, const char *name)
{
	char path[4096], *line = NULL, mod[256];
	size_t cap = 0;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/modules.builtin", moddir);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (!found && getline(&line, &cap, f) > 0) {
		line[strcspn(line, "\n")] = '\0';
		module_name(line, mod, sizeof(mod));
		found = same_name(mod, name);
	}
	free(line);
	fclose(f);
	return found;
}

static struct dep_entry *find_path(struct dep_table *t, const char *path)
{
	for (int i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].path, path))
			return &t->e[i];
	return NULL;
}

static struct dep_entry *find_name(struct dep_table *t, const char *name)
{
	char mod[256];

	for (int i = 0; i < t->n; i++) {
		module_name(t->e[i].path, mod, sizeof(mod));
		if (same_name(mod, name))
			return &t->e[i];
	}
	return NULL;
}

/* Depth first: a module's dependencies go into the order before it. */
static int visit(struct dep_table *t, struct dep_entry *e, char *err, size_t errlen)
{
	char *copy, *save = NULL;

	if (e->state)
		return 0;
	e->state = 1;
	copy = strdup(e->deps);
	for (char *d = strtok_r(copy, " \t", &save); d; d = strtok_r(NULL, " \t", &save)) {
		struct dep_entry *dep = find_path(t, d);
		if (!dep) {
			snprintf(err, errlen, "modules.dep: %s needs %s, which has no line of its own",
				 e->path, d);
			free(copy);
			return -1;
		}
		if (visit(t, dep, err, errlen) < 0) {
			free(copy);
			return -1;
		}
	}
	free(copy);
	char **grown = realloc(t->order, sizeof(char *) * (size_t)(t->norder + 2));
	if (!grown)
		return -1;
	t->order = grown;
	t->order[t->norder++] = strdup(e->path);
	t->order[t->norder] = NULL;
	return 0;
}

int kmods_resolve(const char *moddir, const char *const *names, char ***paths,
		  char *err, size_t errlen)
{
	struct dep_table t = { 0 };
	int rc = -1;

	*paths = NULL;
	if (load_dep(moddir, &t, err, errlen) < 0)
		return -1;
	for (int i = 0; names[i]; i++) {
		struct dep_entry *e = find_name(&t, names[i]);
		if (!e && builtin(moddir, names[i]))
			continue;
		if (!e) {
			snprintf(err, errlen, "%s has no module %s (neither built in nor in modules.dep)",
				 moddir, names[i]);
			goto out;
		}
		if (visit(&t, e, err, errlen) < 0)
			goto out;
	}
	rc = t.norder;
	if (!t.order)   /* every one built in: an empty list */
		t.order = calloc(1, sizeof(char *));
	*paths = t.order;
	t.order = NULL;
out:
	for (int i = 0; i < t.n; i++) {
		free(t.e[i].path);
		free(t.e[i].deps);
	}
	free(t.e);
	kmods_free(t.order);
	return rc;
}

void kmods_free(char **paths)
{
	for (int i = 0; paths && paths[i]; i++)
		free(paths[i]);
	free(paths);
}
