/*
 * board-internal.h - data structures shared by the board loader's files.
 *
 * A board file is parsed in two steps: board-yaml.c turns the YAML text
 * into a small tree of BoardNode (scalars, sequences, mappings, each with
 * its FILE:LINE:COLUMN), and board-spec.c turns that tree into a BoardSpec,
 * the checked, typed description of the board; board-include.c loads the
 * files a board includes into the same spec first.  board-override.c
 * applies --set/--device to a spec, board-check.c expands the per-hart
 * wiring and runs the whole-board checks, board-build.c creates the
 * objects and board-describe*.c print them (text, JSON, Graphviz).
 * Every item of a spec remembers where it came from (BoardLoc) so that any
 * later error, even one found after realize, points at the board text.
 */
#ifndef HOST_BOARD_BOARD_INTERNAL_H
#define HOST_BOARD_BOARD_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include <glib.h>

#include "board/board.h"

/* Where something came from: a file position, or a command-line option
 * (line 0: the origin string alone is printed). */
typedef struct BoardLoc {
    const char *origin; /* board file path or "--set ..."; owned by spec */
    int line;           /* 1-based; 0 for command-line origins */
    int col;            /* 1-based */
} BoardLoc;

/* ------------------------------------------------------------ YAML tree */

typedef enum {
    BOARD_NODE_SCALAR,
    BOARD_NODE_SEQ,
    BOARD_NODE_MAP,
} BoardNodeKind;

typedef struct BoardNode BoardNode;
struct BoardNode {
    BoardNodeKind kind;
    char *value;      /* SCALAR: its text */
    bool plain;       /* SCALAR: written without quotes */
    BoardLoc loc;     /* start of the node */
    GPtrArray *items; /* SEQ: items; MAP: key, value, key, value, ... */
};

#define BOARD_YAML_MAX_DEPTH 32     /* nesting limit (hostile input) */
#define BOARD_FILE_MAX_SIZE (4u << 20) /* bytes */

/* Parse one YAML document.  @origin must outlive the tree.  With
 * @positions false every node gets line 0 (text from the command line).
 * An empty document yields an empty mapping. */
BoardNode *board_yaml_parse(const char *text, size_t len, const char *origin,
                            bool positions, GError **error);
BoardNode *board_node_new_scalar(const char *value, const BoardLoc *loc);
void board_node_free(BoardNode *node);
/* A plain "", "~" or "null" scalar. */
bool board_node_is_null(const BoardNode *node);
const char *board_node_kind_name(const BoardNode *node);

/* --------------------------------------------------------------- errors */

/* "ORIGIN:LINE:COL" or "ORIGIN". */
char *board_loc_format(const BoardLoc *loc);
/* Set @error to "LOC: MESSAGE" in BB_BOARD_ERROR. */
void board_error(GError **error, int code, const BoardLoc *loc,
                 const char *fmt, ...) G_GNUC_PRINTF(4, 5);
/* Re-raise @src in BB_BOARD_ERROR as "LOC: MESSAGE", keeping its code. */
void board_error_propagate(GError **dest, GError *src, const BoardLoc *loc);
/* Up to three of @choices within a small edit distance of @word, as
 * "'a', 'b'"; NULL if none. */
char *board_suggest(const char *word, const char *const *choices, guint n);
/* "a, b, c" (or @none_text when empty). */
char *board_join_list(const char *const *items, guint n,
                      const char *none_text);

/* ---------------------------------------------------------------- spec */

typedef struct BoardProp {
    char *name;
    char *value;        /* scalar text; "[a,b]" for a sequence */
    GPtrArray *items;   /* a sequence's element texts; NULL for a scalar */
    GArray *item_locs;  /* of BoardLoc, one per element of @items */
    BoardLoc key_loc;   /* the property name */
    BoardLoc value_loc; /* its value */
} BoardProp;

typedef struct BoardRange {
    uint64_t base;
    uint64_t size;      /* 0 = take the class's reg_size at build time */
    BoardLoc loc;
} BoardRange;

/* One IRQ connection: output line -> TARGET[.GROUP][:INDEX]. */
typedef struct BoardIrqRef {
    char *out_group;    /* NULL = the device's first output group */
    unsigned out_index; /* line within the output group */
    char *text;         /* the reference as written */
    char *target;       /* device or hart id */
    char *in_group;     /* NULL = the target's first input group */
    unsigned in_index;
    BoardLoc loc;       /* of the reference */
    BoardLoc group_loc; /* of the output group name (irqs key) */
    unsigned per_hart;  /* each-hart template: lines per hart (0: not) */
} BoardIrqRef;

typedef struct BoardDevice {
    char *type;
    char *id;
    BoardLoc loc;       /* the device entry */
    BoardLoc type_loc;
    BoardLoc id_loc;
    GArray *regs;       /* of BoardRange */
    GPtrArray *irqs;    /* of BoardIrqRef * */
    bool has_irq;       /* `irq:` given */
    bool has_irqs;      /* `irqs:` given */
    char *bus;          /* bus device id or NULL */
    BoardLoc bus_loc;
    int slot;           /* -1 = bus chooses */
    int func;           /* 0-7 */
    BoardLoc slot_loc;
    bool has_func;      /* `function:` given (or a function in `addr:`) */
    BoardLoc func_loc;
    GPtrArray *props;   /* of BoardProp * */
    unsigned file;      /* the file load that last wrote the entry */
} BoardDevice;

typedef struct BoardChardev {
    char *id;
    char *backend;      /* "stdio", "file:PATH", ... */
    BoardLoc loc;
} BoardChardev;

#define BOARD_MAX_CONSTRAINTS 4
typedef struct BoardRequire {
    char *text;         /* as written */
    char *name;         /* plugin name */
    unsigned n;         /* number of constraints */
    char op[BOARD_MAX_CONSTRAINTS][3];
    unsigned version[BOARD_MAX_CONSTRAINTS][3];
    BoardLoc loc;
} BoardRequire;

typedef enum {
    BOARD_BOOT_FIRMWARE,
    BOARD_BOOT_KERNEL,
    BOARD_BOOT_INITRD,
    BOARD_BOOT_APPEND,
    BOARD_BOOT_DTB,
    BOARD_BOOT_N,
} BoardBootKey;

#define BOARD_MAX_HARTS 1024

struct BoardSpec {
    char *path;               /* board file as given */
    GStringChunk *strings;    /* BoardLoc origins */
    BoardLoc file_loc;        /* FILE:1:1 */

    unsigned schema;
    bool has_schema;
    BoardLoc schema_loc;
    char *name;
    char *machine;            /* machine type */
    BoardLoc machine_loc;
    GPtrArray *machine_props; /* of BoardProp * */

    bool has_ram;
    bool has_ram_base, has_ram_size;
    uint64_t ram_base, ram_size;
    BoardLoc ram_loc;

    bool has_harts;
    unsigned hart_count;
    char *hart_type;
    BoardLoc hart_type_loc;
    char *hart_isa;
    BoardLoc hart_isa_loc;
    GPtrArray *hart_props;    /* of BoardProp * */
    BoardLoc harts_loc;

    GPtrArray *chardevs;      /* of BoardChardev * */
    char *boot[BOARD_BOOT_N];
    BoardLoc boot_loc[BOARD_BOOT_N];
    GPtrArray *plugin_dirs;   /* absolute paths (char *) */
    GPtrArray *requires;      /* of BoardRequire * */
    GPtrArray *devices;       /* of BoardDevice * */

    /* While loading: which file load is running (1, 2, ... in the order
     * files are opened), the chain of files being loaded, for include
     * cycles, and the files loaded so far. */
    unsigned cur_file;
    unsigned n_files;
    GPtrArray *include_stack; /* real path, path as shown, ... */
    GHashTable *loaded;       /* real paths of the files loaded so far */
};

extern const char *const board_boot_keys[BOARD_BOOT_N];

/* Load one board file into @spec (board-spec.c); @from is the include
 * naming it, NULL for the top file. */
bool board_spec_load_file(BoardSpec *spec, const char *origin,
                          const BoardLoc *from, GError **error);
/* Load the boards named by an `include:` value (board-include.c). */
bool board_include(BoardSpec *spec, const BoardNode *value, GError **error);
/* Push @origin on the chain of files being loaded; false on a cycle. */
bool board_include_enter(BoardSpec *spec, const char *origin,
                         const BoardLoc *from, GError **error);
void board_include_leave(BoardSpec *spec);
/* Mark the file on top of the chain as loaded; false if it already was
 * (a board is loaded once, however many included boards include it). */
bool board_include_first(BoardSpec *spec);
/* The absolute directory of the file @origin names. */
char *board_origin_dir(const char *origin);
/* Expand each-hart IRQ templates and `$harts` property values for the
 * final hart count (board-check.c, before the other checks). */
void board_spec_expand_harts(BoardSpec *spec);

/* Intern @s in the spec (for BoardLoc origins). */
const char *board_spec_intern(BoardSpec *spec, const char *s);
BoardSpec *board_spec_new(const char *path);

BoardDevice *board_spec_find_device(const BoardSpec *spec, const char *id);
/* Whether @id names a hart of the spec (hart0 .. hartN-1). */
bool board_spec_is_hart(const BoardSpec *spec, const char *id);
/* All device ids and hart ids, in board order (for messages). */
char *board_spec_list_ids(const BoardSpec *spec, bool with_harts);

/* A table of the valid keys of one mapping, one loader per key
 * (board-keys.c); @target is what the mapping fills (a BoardDevice, or
 * NULL for the sections of the spec itself). */
typedef bool (*BoardKeyFn)(BoardSpec *spec, void *target,
                           const BoardNode *key, const BoardNode *value,
                           GError **error);
typedef struct BoardKeyDef {
    const char *name;
    BoardKeyFn fn;
} BoardKeyDef;

/* Run the loader of @key from @defs, or fail listing the valid keys. */
bool board_dispatch_key(BoardSpec *spec, const BoardKeyDef *defs,
                        const char *context, void *target,
                        const BoardNode *key, const BoardNode *value,
                        GError **error);
/* Every key of mapping @node (null: nothing). */
bool board_load_map(BoardSpec *spec, const BoardKeyDef *defs,
                    const char *context, void *target,
                    const BoardNode *node, GError **error);
bool board_expect_kind(const BoardNode *node, BoardNodeKind kind,
                       const char *what, GError **error);
/* A non-empty scalar; @what names it in messages. */
const char *board_get_string(const BoardNode *node, const char *what,
                             GError **error);
/* Replace *@field by the non-empty scalar @value; record its place. */
bool board_set_string(char **field, BoardLoc *loc, const BoardNode *value,
                      const char *what, GError **error);
/* A mapping of property names to values: scalars, or sequences of
 * scalars for array properties (null: nothing). */
bool board_load_props(GPtrArray *props, const BoardNode *node,
                      const char *what, GError **error);
void board_prop_free(gpointer prop);
/* One entry of `devices:`, appended to the spec. */
bool board_load_device(BoardSpec *spec, const BoardNode *node,
                       GError **error);

/* Per-key loaders shared by the file loader and --set. */
bool board_spec_load_top_key(BoardSpec *spec, const BoardNode *key,
                             const BoardNode *value, GError **error);
bool board_spec_load_section_key(BoardSpec *spec, const char *section,
                                 const BoardNode *key,
                                 const BoardNode *value, GError **error);
bool board_spec_load_device_key(BoardSpec *spec, BoardDevice *dev,
                                const BoardNode *key, const BoardNode *value,
                                GError **error);
bool board_spec_load_irq_group(BoardSpec *spec, BoardDevice *dev,
                               const BoardNode *key, const BoardNode *value,
                               GError **error);
bool board_spec_load_chardev(BoardSpec *spec, const BoardNode *key,
                             const BoardNode *value, GError **error);
/* Set or replace a property in @props (a scalar or a sequence of
 * scalars; whether the property is an array is checked at build time). */
bool board_spec_load_prop(GPtrArray *props, const BoardNode *key,
                          const BoardNode *value, GError **error);
bool board_spec_is_device_key(const char *key);
bool board_spec_is_section(const char *key);
BoardDevice *board_device_new(void);
void board_device_free(BoardDevice *dev);
bool board_spec_check_id(const char *what, const char *id,
                         const BoardLoc *loc, GError **error);

/* Numbers as qom_parse_number() reads them (decimal, 0x, 0b, '_'
 * separators, K..E suffix if @suffix); @what names the value in
 * messages. */
bool board_parse_u64(const BoardNode *node, const char *what, bool suffix,
                     uint64_t *out, GError **error);

/* TARGET[.GROUP][:INDEX] into @ref (target, in_group, in_index). */
bool board_parse_irq_ref(const char *text, BoardIrqRef *ref,
                         const BoardLoc *loc, GError **error);
bool board_parse_chardev(const char *id, const char *backend,
                         const BoardLoc *loc, GError **error);
bool board_parse_require(const char *text, BoardRequire *req,
                         const BoardLoc *loc, GError **error);
void board_irq_ref_free(BoardIrqRef *ref);

/* A built board (board-build.c). */
struct Board {
    BoardSpec *spec;    /* borrowed: must outlive the board */
    BbObject *root;     /* "/" */
    BbMachine *machine; /* "/machine" */
    GPtrArray *harts;   /* BbObject *, borrowed from the tree */
    GPtrArray *devices; /* BbObject *, in spec order, borrowed */
    GArray *realized;   /* BoardRealized, in realize order */
    BbSystem *system;   /* owned; outlives the object tree */
};

/* A device board_build() realized, and the bus owner it was plugged into
 * (NULL if none): board_free() unrealizes in reverse and then unplugs. */
typedef struct BoardRealized {
    BbObject *obj;
    BbObject *bus_owner;
} BoardRealized;

/* Connect the IRQ lines of every device entry (board-wire.c). */
bool board_wire_irqs(Board *board, GError **error);

/* What board-describe.c reads from a built board. */
BoardSpec *board_get_spec(Board *board);
GPtrArray *board_get_devices(Board *board); /* BbObject *, spec order */
GPtrArray *board_get_harts(Board *board);   /* BbObject * */

/* What describe shows, for its three formats (board-describe.c). */
typedef struct BoardMapRow {
    uint64_t base, last;  /* inclusive */
    BbObject *owner;      /* the device; NULL for RAM */
    int reg;              /* range index if the device has several, or -1 */
    const char *region;   /* a region the device placed itself, or NULL */
    bool overlay;         /* @region is a deliberate overlay (priority > 0) */
    char *label;          /* "uart0 (ns16550a)", "RAM (128 MiB)" */
} BoardMapRow;
/* Every device range, every region a device placed itself, and RAM, by
 * address (of BoardMapRow); also what the post-realize overlap check
 * (board-build.c) checks. */
GArray *board_describe_memory_map(Board *board);

typedef struct BoardWire {
    BbObject *src;          /* device driving the line */
    const char *src_group;  /* its output group */
    unsigned src_line;
    BbObject *dst;          /* device or hart */
    const char *dst_group;  /* its input group */
    unsigned dst_line;
} BoardWire;
/* Every connected output line, in tree and group order (of BoardWire). */
GArray *board_describe_wires(Board *board);
/* The properties the board set on @obj, read back: name, value, ... */
GPtrArray *board_describe_props(Board *board, BbObject *obj);
/* "uart0" for /machine/uart0, "machine" for /machine, else the path. */
char *board_describe_name(BbObject *obj);
/* "128 MiB", "36 bytes". */
char *board_describe_size(uint64_t n);

/* Overlap check over every range with a known size (+ RAM); @sizes, if
 * not NULL, gives per device the class reg_size for size-0 ranges. */
bool board_check_overlaps(const BoardSpec *spec, const uint64_t *sizes,
                          GError **error);

#endif /* HOST_BOARD_BOARD_INTERNAL_H */
