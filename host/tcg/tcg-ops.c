/*
 * tcg-ops.c - the static definition of every IR opcode of tcg.h: its name,
 * how many output temps, input temps and constant parameters it takes (in
 * that operand order), the type of its value operands and its flags.  The
 * verifier, the optimizer, the dump and the backends all read operands
 * through this table, so it is the one place that says what an op looks
 * like.  The few ops that mix widths (conversions, guest memory) are
 * described by tcg_op_arg_type().
 */
#include "tcg/tcg-internal.h"

#define I32 BB_TCG_TYPE_I32
#define I64 BB_TCG_TYPE_I64
#define VOID BB_TCG_TYPE_VOID

#define SIDE TCG_OPF_SIDE_EFFECTS
#define END (TCG_OPF_BB_END | TCG_OPF_SIDE_EFFECTS)
#define MEM (TCG_OPF_SIDE_EFFECTS | TCG_OPF_MAY_RAISE)

#define DEF(op, nm, o, i, c, ty, fl)                                          \
    [BB_TCG_OP_##op] = { .name = nm, .nb_oargs = o, .nb_iargs = i,            \
                         .nb_cargs = c, .type = ty, .flags = fl }

/* One width of the integer ops; W is "32" or "64". */
#define DEF_INT(W, T)                                                         \
    DEF(MOV_I##W, "mov_i" #W, 1, 1, 0, T, 0),                                 \
    DEF(ADD_I##W, "add_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(SUB_I##W, "sub_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(MUL_I##W, "mul_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(MULSH_I##W, "mulsh_i" #W, 1, 2, 0, T, 0),                             \
    DEF(MULUH_I##W, "muluh_i" #W, 1, 2, 0, T, 0),                             \
    DEF(DIV_I##W, "div_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(DIVU_I##W, "divu_i" #W, 1, 2, 0, T, 0),                               \
    DEF(REM_I##W, "rem_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(REMU_I##W, "remu_i" #W, 1, 2, 0, T, 0),                               \
    DEF(AND_I##W, "and_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(OR_I##W, "or_i" #W, 1, 2, 0, T, 0),                                   \
    DEF(XOR_I##W, "xor_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(NOT_I##W, "not_i" #W, 1, 1, 0, T, 0),                                 \
    DEF(NEG_I##W, "neg_i" #W, 1, 1, 0, T, 0),                                 \
    DEF(SHL_I##W, "shl_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(SHR_I##W, "shr_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(SAR_I##W, "sar_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(ROTL_I##W, "rotl_i" #W, 1, 2, 0, T, 0),                               \
    DEF(ROTR_I##W, "rotr_i" #W, 1, 2, 0, T, 0),                               \
    DEF(SETCOND_I##W, "setcond_i" #W, 1, 2, 1, T, 0),                         \
    DEF(MOVCOND_I##W, "movcond_i" #W, 1, 4, 1, T, 0),                         \
    DEF(DEPOSIT_I##W, "deposit_i" #W, 1, 2, 2, T, 0),                         \
    DEF(EXTRACT_I##W, "extract_i" #W, 1, 1, 2, T, 0),                         \
    DEF(SEXTRACT_I##W, "sextract_i" #W, 1, 1, 2, T, 0),                       \
    DEF(BSWAP16_I##W, "bswap16_i" #W, 1, 1, 0, T, 0),                         \
    DEF(BSWAP32_I##W, "bswap32_i" #W, 1, 1, 0, T, 0),                         \
    DEF(CLZ_I##W, "clz_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(CTZ_I##W, "ctz_i" #W, 1, 2, 0, T, 0),                                 \
    DEF(CTPOP_I##W, "ctpop_i" #W, 1, 1, 0, T, 0),                             \
    DEF(BRCOND_I##W, "brcond_i" #W, 0, 2, 2, T, END)

const TcgOpDef tcg_op_defs[BB_TCG_OP__COUNT] = {
    [BB_TCG_OP_INVALID] = { .name = "invalid" },
    DEF_INT(32, I32),
    DEF_INT(64, I64),
    DEF(MULSUH_I64, "mulsuh_i64", 1, 2, 0, I64, 0),
    DEF(BSWAP64_I64, "bswap64_i64", 1, 1, 0, I64, 0),

    DEF(EXT8S_I64, "ext8s_i64", 1, 1, 0, I64, 0),
    DEF(EXT8U_I64, "ext8u_i64", 1, 1, 0, I64, 0),
    DEF(EXT16S_I64, "ext16s_i64", 1, 1, 0, I64, 0),
    DEF(EXT16U_I64, "ext16u_i64", 1, 1, 0, I64, 0),
    DEF(EXT32S_I64, "ext32s_i64", 1, 1, 0, I64, 0),
    DEF(EXT32U_I64, "ext32u_i64", 1, 1, 0, I64, 0),
    /* Mixed widths: .type is the output's; see tcg_op_arg_type(). */
    DEF(EXTU_I32_I64, "extu_i32_i64", 1, 1, 0, I64, 0),
    DEF(EXTS_I32_I64, "exts_i32_i64", 1, 1, 0, I64, 0),
    DEF(EXTRL_I64_I32, "extrl_i64_i32", 1, 1, 0, I32, 0),
    DEF(EXTRH_I64_I32, "extrh_i64_i32", 1, 1, 0, I32, 0),

    /* env: loads are pure reads of CPU state (removable when unused). */
    DEF(LD8U_I64, "ld8u_i64", 1, 0, 1, I64, 0),
    DEF(LD8S_I64, "ld8s_i64", 1, 0, 1, I64, 0),
    DEF(LD16U_I64, "ld16u_i64", 1, 0, 1, I64, 0),
    DEF(LD16S_I64, "ld16s_i64", 1, 0, 1, I64, 0),
    DEF(LD32U_I64, "ld32u_i64", 1, 0, 1, I64, 0),
    DEF(LD32S_I64, "ld32s_i64", 1, 0, 1, I64, 0),
    DEF(LD_I64, "ld_i64", 1, 0, 1, I64, 0),
    DEF(ST8_I64, "st8_i64", 0, 1, 1, I64, SIDE),
    DEF(ST16_I64, "st16_i64", 0, 1, 1, I64, SIDE),
    DEF(ST32_I64, "st32_i64", 0, 1, 1, I64, SIDE),
    DEF(ST_I64, "st_i64", 0, 1, 1, I64, SIDE),
    DEF(LD_I32, "ld_i32", 1, 0, 1, I32, 0),
    DEF(ST_I32, "st_i32", 0, 1, 1, I32, SIDE),

    /* Guest memory: value, address (always I64), memop, mmu_idx.  Loads
     * are kept even when unused: they may fault or hit MMIO. */
    DEF(QEMU_LD_I32, "qemu_ld_i32", 1, 1, 2, I32, MEM),
    DEF(QEMU_ST_I32, "qemu_st_i32", 0, 2, 2, I32, MEM),
    DEF(QEMU_LD_I64, "qemu_ld_i64", 1, 1, 2, I64, MEM),
    DEF(QEMU_ST_I64, "qemu_st_i64", 0, 2, 2, I64, MEM),

    DEF(SET_LABEL, "set_label", 0, 0, 1, VOID, END),
    DEF(BR, "br", 0, 0, 1, VOID, END),
    /* Operands and side effects come from the helper (tcg_call_*()). */
    DEF(CALL, "call", 0, 0, 0, VOID, TCG_OPF_CALL),
    DEF(INSN_START, "insn_start", 0, 0, 2, VOID, SIDE),
    DEF(GOTO_TB, "goto_tb", 0, 0, 1, VOID, END),
    DEF(EXIT_TB, "exit_tb", 0, 0, 1, VOID, END),
    /* One ignored parameter (the wrapper passes 0). */
    DEF(LOOKUP_AND_GOTO, "lookup_and_goto", 0, 0, 1, VOID, END),
    /* The discarded temp counts as an output (of either type): the op
     * ends the temp's life like a write does. */
    DEF(DISCARD, "discard", 1, 0, 0, VOID, 0),
};

BbTcgType tcg_op_arg_type(BbTcgOpcode opc, unsigned i)
{
    switch (opc) {
    case BB_TCG_OP_EXTU_I32_I64:
    case BB_TCG_OP_EXTS_I32_I64:
        return i == 0 ? I64 : I32;
    case BB_TCG_OP_EXTRL_I64_I32:
    case BB_TCG_OP_EXTRH_I64_I32:
        return i == 0 ? I32 : I64;
    case BB_TCG_OP_QEMU_LD_I32:
    case BB_TCG_OP_QEMU_ST_I32:
        return i == 0 ? I32 : I64;
    default:
        if (opc <= BB_TCG_OP_INVALID || opc >= BB_TCG_OP__COUNT) {
            return VOID;
        }
        return tcg_op_defs[opc].type;
    }
}
