/*
 * elf-descriptor.h - read a plugin's descriptor from its ELF file without
 * loading it (host-internal; used by the registry's scan).
 */
#ifndef HOST_PLUGIN_ELF_DESCRIPTOR_H
#define HOST_PLUGIN_ELF_DESCRIPTOR_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include <breadboard/plugin.h>

/* What the file's BbPluginDescriptor holds, copied out of the file. */
typedef struct ElfDescriptor {
    uint32_t magic;
    uint16_t abi_major, abi_minor;
    /* The rest is read only when magic and ABI match this host's (other
     * ABIs may lay the descriptor out differently): fields_read says so. */
    bool fields_read;
    /* Another ABI: name and types (either may be NULL) were read with
     * this ABI's layout, for messages only; nothing else is set. */
    bool hint_only;
    uint32_t size;
    char *name, *version, *license, *description; /* NULL if pointer NULL */
    bool has_init;
    char **types; /* NULL-terminated; NULL if the pointer is NULL */
} ElfDescriptor;

/*
 * Read @path's descriptor into @out.  Fails (BB_ERROR_IO "cannot load
 * plugin: PATH: ...") when the file is not a shared object for this host,
 * (BB_ERROR_INVALID "not a breadboard plugin: ...") when it exports no
 * descriptor, or (BB_ERROR_INVALID "malformed plugin descriptor: ...")
 * when the descriptor's pointers cannot be followed within the file.  On
 * failure @out may hold partial data: release it with
 * elf_descriptor_clear() either way.
 */
bool elf_descriptor_read(const char *path, ElfDescriptor *out,
                         GError **error);
void elf_descriptor_clear(ElfDescriptor *d);

#endif /* HOST_PLUGIN_ELF_DESCRIPTOR_H */
