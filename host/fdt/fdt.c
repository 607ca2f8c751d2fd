/*
 * fdt.c - the device-tree builder (fdt.h) on top of libfdt's read-write
 * API.  The blob lives in a heap buffer that is doubled whenever libfdt
 * reports it full, so callers never see FDT_ERR_NOSPACE.  Nodes are
 * addressed by path on every call because libfdt node offsets move when
 * the tree is modified.
 */
#include <string.h>

#include <libfdt.h>

#include <breadboard/device.h>
#include <breadboard/fdt.h>

#define FDT_INITIAL_SIZE (64 * 1024)
#define FDT_MAX_SIZE (64 * 1024 * 1024)

struct BbFdt {
    void *buf;
    size_t size;
    void *packed;           /* last bb_fdt_get_blob() result */
    GHashTable *phandles;   /* BbObject * -> phandle */
    uint32_t next_phandle;
};

static bool fdt_grow(BbFdt *fdt)
{
    size_t nsize = fdt->size * 2;

    if (nsize > FDT_MAX_SIZE) {
        return false;
    }
    void *nbuf = g_malloc0(nsize);
    if (fdt_open_into(fdt->buf, nbuf, (int)nsize) < 0) {
        g_free(nbuf);
        return false;
    }
    g_free(fdt->buf);
    fdt->buf = nbuf;
    fdt->size = nsize;
    return true;
}

static bool fdt_fail(const char *path, const char *what, int err,
                     GError **error)
{
    g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_FAILED,
                "device tree node '%s': %s: %s", path, what,
                fdt_strerror(err));
    return false;
}

/* Like fdt_path_offset(), but every component must match a node's full
 * name: libfdt lets "serial" match "serial@1000", which would make
 * "/soc/serial" and "/soc/serial@1000" the same node here. */
static int path_offset(const void *blob, const char *path)
{
    int off = 0;

    if (path[0] != '/') {
        return -FDT_ERR_BADPATH;
    }
    for (const char *p = path; *p;) {
        if (*p == '/') {
            p++;
            continue;
        }
        size_t len = strcspn(p, "/");
        int child, found = -FDT_ERR_NOTFOUND;
        fdt_for_each_subnode(child, blob, off) {
            int nlen;
            const char *name = fdt_get_name(blob, child, &nlen);
            if (name && (size_t)nlen == len && !memcmp(name, p, len)) {
                found = child;
                break;
            }
        }
        if (found < 0) {
            return found;
        }
        off = found;
        p += len;
    }
    return off;
}

static int node_offset(BbFdt *fdt, const char *path, GError **error)
{
    int off = path_offset(fdt->buf, path);

    if (off < 0) {
        fdt_fail(path, "no such node", off, error);
    }
    return off;
}

BbFdt *bb_fdt_new(void)
{
    BbFdt *fdt = g_new0(BbFdt, 1);
    static const char *const soc_compat[] = { "simple-bus", NULL };

    fdt->size = FDT_INITIAL_SIZE;
    fdt->buf = g_malloc0(fdt->size);
    fdt->phandles = g_hash_table_new(g_direct_hash, g_direct_equal);
    fdt->next_phandle = 1;
    fdt_create_empty_tree(fdt->buf, (int)fdt->size);
    bb_fdt_set_prop_u32(fdt, "/", "#address-cells", 2, NULL);
    bb_fdt_set_prop_u32(fdt, "/", "#size-cells", 2, NULL);
    bb_fdt_add_node(fdt, "/soc", NULL);
    bb_fdt_set_prop_u32(fdt, "/soc", "#address-cells", 2, NULL);
    bb_fdt_set_prop_u32(fdt, "/soc", "#size-cells", 2, NULL);
    bb_fdt_set_prop_strings(fdt, "/soc", "compatible", soc_compat, NULL);
    bb_fdt_set_prop_empty(fdt, "/soc", "ranges", NULL);
    return fdt;
}

void bb_fdt_free(BbFdt *fdt)
{
    if (!fdt) {
        return;
    }
    g_hash_table_unref(fdt->phandles);
    g_free(fdt->buf);
    g_free(fdt->packed);
    g_free(fdt);
}

bool bb_fdt_add_node(BbFdt *fdt, const char *path, GError **error)
{
    if (!path || path[0] != '/' || !path[1]) {
        return fdt_fail(path ? path : "(null)", "not a node path below /",
                        -FDT_ERR_BADPATH, error);
    }
    if (path_offset(fdt->buf, path) >= 0) {
        return true;
    }
    const char *slash = strrchr(path, '/');
    g_autofree char *parent = slash == path ? g_strdup("/")
                                            : g_strndup(path, slash - path);
    int err;
    do {
        int poff = path_offset(fdt->buf, parent);
        if (poff < 0) {
            g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_NOT_FOUND,
                        "device tree node '%s': parent '%s' does not exist",
                        path, parent);
            return false;
        }
        err = fdt_add_subnode(fdt->buf, poff, slash + 1);
        if (err == -FDT_ERR_EXISTS) {
            /* libfdt refuses "serial" beside "serial@1000"; add it under
             * a name it cannot confuse ("serial@"), then rename it. */
            g_autofree char *tmp = g_strconcat(slash + 1, "@", NULL);
            err = fdt_add_subnode(fdt->buf, poff, tmp);
            if (err >= 0) {
                int r = fdt_set_name(fdt->buf, err, slash + 1);
                err = r < 0 ? r : err;
            }
        }
    } while (err == -FDT_ERR_NOSPACE && fdt_grow(fdt));
    return err >= 0 || fdt_fail(path, "cannot add node", err, error);
}

bool bb_fdt_set_prop(BbFdt *fdt, const char *path, const char *name,
                     const void *value, size_t len, GError **error)
{
    int err;

    if (len > FDT_MAX_SIZE) {
        return fdt_fail(path, name, -FDT_ERR_NOSPACE, error);
    }
    do {
        int off = node_offset(fdt, path, error);
        if (off < 0) {
            return false;
        }
        err = fdt_setprop(fdt->buf, off, name, value, (int)len);
    } while (err == -FDT_ERR_NOSPACE && fdt_grow(fdt));
    return err >= 0 || fdt_fail(path, name, err, error);
}

bool bb_fdt_set_prop_empty(BbFdt *fdt, const char *path, const char *name,
                           GError **error)
{
    return bb_fdt_set_prop(fdt, path, name, NULL, 0, error);
}

bool bb_fdt_set_prop_u32(BbFdt *fdt, const char *path, const char *name,
                         uint32_t value, GError **error)
{
    fdt32_t v = cpu_to_fdt32(value);
    return bb_fdt_set_prop(fdt, path, name, &v, sizeof(v), error);
}

bool bb_fdt_set_prop_u64(BbFdt *fdt, const char *path, const char *name,
                         uint64_t value, GError **error)
{
    fdt64_t v = cpu_to_fdt64(value);
    return bb_fdt_set_prop(fdt, path, name, &v, sizeof(v), error);
}

bool bb_fdt_set_prop_cells(BbFdt *fdt, const char *path, const char *name,
                           const uint32_t *cells, size_t n, GError **error)
{
    g_autofree fdt32_t *v = g_new(fdt32_t, n ? n : 1);

    for (size_t i = 0; i < n; i++) {
        v[i] = cpu_to_fdt32(cells[i]);
    }
    return bb_fdt_set_prop(fdt, path, name, v, n * sizeof(fdt32_t), error);
}

bool bb_fdt_set_prop_string(BbFdt *fdt, const char *path, const char *name,
                            const char *value, GError **error)
{
    return bb_fdt_set_prop(fdt, path, name, value, strlen(value) + 1, error);
}

bool bb_fdt_set_prop_strings(BbFdt *fdt, const char *path, const char *name,
                             const char *const *strv, GError **error)
{
    g_autoptr(GByteArray) buf = g_byte_array_new();

    for (size_t i = 0; strv && strv[i]; i++) {
        g_byte_array_append(buf, (const guint8 *)strv[i], strlen(strv[i]) + 1);
    }
    return bb_fdt_set_prop(fdt, path, name, buf->data, buf->len, error);
}

uint32_t bb_fdt_phandle(BbFdt *fdt, BbObject *owner)
{
    uint32_t ph = GPOINTER_TO_UINT(g_hash_table_lookup(fdt->phandles, owner));

    if (!ph) {
        ph = fdt->next_phandle++;
        g_hash_table_insert(fdt->phandles, owner, GUINT_TO_POINTER(ph));
    }
    return ph;
}

const void *bb_fdt_get_blob(BbFdt *fdt, size_t *size)
{
    g_free(fdt->packed);
    fdt->packed = g_memdup2(fdt->buf, fdt->size);
    fdt_pack(fdt->packed);
    if (size) {
        *size = fdt_totalsize(fdt->packed);
    }
    return fdt->packed;
}

bool bb_device_fdt_reg_prop(BbDevice *dev, BbFdt *fdt, const char *path,
                            GError **error)
{
    unsigned n = bb_device_get_reg_count(dev);

    if (!n) {
        g_set_error(error, BB_DEVICE_ERROR, BB_ERROR_INVALID,
                    "device tree node '%s': the device has no address range",
                    path);
        return false;
    }
    g_autofree uint32_t *cells = g_new(uint32_t, 4 * n);
    for (unsigned i = 0; i < n; i++) {
        uint64_t base, size;
        bb_device_get_reg(dev, i, &base, &size);
        cells[4 * i] = base >> 32;
        cells[4 * i + 1] = (uint32_t)base;
        cells[4 * i + 2] = size >> 32;
        cells[4 * i + 3] = (uint32_t)size;
    }
    return bb_fdt_set_prop_cells(fdt, path, "reg", cells, 4 * n, error);
}
