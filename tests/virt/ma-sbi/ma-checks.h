/*
 * ma-checks.h - the checks of riscv-tests' rv64ui "ma_data", in its order
 * and numbering, as an X-macro list for ma-sbi.c: the sequence issue 13
 * reported failing at check 156 ("sb 0xc2 to offset 32, then lwu from
 * offset 31, expecting 0x33c1c2be").
 *   L(n, load, offset)                          a load from the initial data
 *   S(n, store, load, st_off, ld_off, value)    a store, then a load
 * The expected values are not listed: ma-sbi.c derives them from a byte
 * model of the buffer (initial bytes 0..127 = their offset, then 0x50),
 * which must agree with the literal of check 156.
 */
#ifndef MA_CHECKS_H
#define MA_CHECKS_H

#define MA_CHECKS(L, S) \
    /* loads within 8 bytes, across 32, across 64 */ \
    L(1, lh, 1) L(2, lhu, 1) L(3, lw, 1) L(4, lw, 2) L(5, lw, 3) \
    L(6, lwu, 1) L(7, lwu, 2) L(8, lwu, 3) \
    L(9, ld, 1) L(10, ld, 2) L(11, ld, 3) L(12, ld, 4) L(13, ld, 5) \
    L(14, ld, 6) L(15, ld, 7) \
    L(16, lh, 31) L(17, lhu, 31) L(18, lw, 29) L(19, lw, 30) L(20, lw, 31) \
    L(21, lwu, 29) L(22, lwu, 30) L(23, lwu, 31) \
    L(24, ld, 25) L(25, ld, 26) L(26, ld, 27) L(27, ld, 28) L(28, ld, 29) \
    L(29, ld, 30) L(30, ld, 31) \
    L(31, lh, 63) L(32, lhu, 63) L(33, lw, 61) L(34, lw, 62) L(35, lw, 63) \
    L(36, lwu, 61) L(37, lwu, 62) L(38, lwu, 63) \
    L(39, ld, 57) L(40, ld, 58) L(41, ld, 59) L(42, ld, 60) L(43, ld, 61) \
    L(44, ld, 62) L(45, ld, 63) \
    /* a store read back at the same offset and width */ \
    S(46, sh, lh, 1, 1, 0x8180) S(47, sh, lhu, 1, 1, 0x8382) \
    S(48, sw, lw, 1, 1, 0x87868584) S(49, sw, lw, 2, 2, 0x8b8a8988) \
    S(50, sw, lw, 3, 3, 0x8f8e8d8c) S(51, sw, lwu, 1, 1, 0x93929190) \
    S(52, sw, lwu, 2, 2, 0x97969594) S(53, sw, lwu, 3, 3, 0x9b9a9998) \
    S(54, sd, ld, 1, 1, 0xa3a2a1a09f9e9d9c) \
    S(55, sd, ld, 2, 2, 0xabaaa9a8a7a6a5a4) \
    S(56, sd, ld, 3, 3, 0xb3b2b1b0afaeadac) \
    S(57, sd, ld, 4, 4, 0xbbbab9b8b7b6b5b4) \
    S(58, sd, ld, 5, 5, 0xc3c2c1c0bfbebdbc) \
    S(59, sd, ld, 6, 6, 0xcbcac9c8c7c6c5c4) \
    S(60, sd, ld, 7, 7, 0xd3d2d1d0cfcecdcc) \
    S(61, sh, lh, 31, 31, 0xd5d4) S(62, sh, lhu, 31, 31, 0xd7d6) \
    S(63, sw, lw, 29, 29, 0xdbdad9d8) S(64, sw, lw, 30, 30, 0xdfdedddc) \
    S(65, sw, lw, 31, 31, 0xe3e2e1e0) S(66, sw, lwu, 29, 29, 0xe7e6e5e4) \
    S(67, sw, lwu, 30, 30, 0xebeae9e8) S(68, sw, lwu, 31, 31, 0xefeeedec) \
    S(69, sd, ld, 25, 25, 0xf7f6f5f4f3f2f1f0) \
    S(70, sd, ld, 26, 26, 0xfffefdfcfbfaf9f8) \
    S(71, sd, ld, 27, 27, 0x0706050403020100) \
    S(72, sd, ld, 28, 28, 0x0f0e0d0c0b0a0908) \
    S(73, sd, ld, 29, 29, 0x1716151413121110) \
    S(74, sd, ld, 30, 30, 0x1f1e1d1c1b1a1918) \
    S(75, sd, ld, 31, 31, 0x2726252423222120) \
    S(76, sh, lh, 63, 63, 0x3534) S(77, sh, lhu, 63, 63, 0x3736) \
    S(78, sw, lw, 61, 61, 0x3b3a3938) S(79, sw, lw, 62, 62, 0x3f3e3d3c) \
    S(80, sw, lw, 63, 63, 0x43424140) S(81, sw, lwu, 61, 61, 0x47464544) \
    S(82, sw, lwu, 62, 62, 0x4b4a4948) S(83, sw, lwu, 63, 63, 0x4f4e4d4c) \
    S(84, sd, ld, 57, 57, 0x5756555453525150) \
    S(85, sd, ld, 58, 58, 0x5f5e5d5c5b5a5958) \
    S(86, sd, ld, 59, 59, 0x6766656463626160) \
    S(87, sd, ld, 60, 60, 0x6f6e6d6c6b6a6968) \
    S(88, sd, ld, 61, 61, 0x7776757473727170) \
    S(89, sd, ld, 62, 62, 0x7f7e7d7c7b7a7978) \
    S(90, sd, ld, 63, 63, 0x8786858483828180) \
    /* a store read back narrower */ \
    S(91, sh, lb, 1, 1, 0x9998) S(92, sh, lb, 1, 2, 0x9b9a) \
    S(93, sh, lbu, 1, 1, 0x9d9c) S(94, sh, lbu, 1, 2, 0x9f9e) \
    S(95, sw, lb, 1, 1, 0xa3a2a1a0) S(96, sw, lbu, 2, 3, 0xa7a6a5a4) \
    S(97, sw, lh, 3, 4, 0xabaaa9a8) S(98, sw, lhu, 3, 5, 0xafaeadac) \
    S(99, sd, lb, 1, 7, 0xb7b6b5b4b3b2b1b0) \
    S(100, sd, lbu, 2, 3, 0xbfbebdbcbbbab9b8) \
    S(101, sd, lh, 3, 9, 0xc7c6c5c4c3c2c1c0) \
    S(102, sd, lhu, 4, 5, 0xcfcecdcccbcac9c8) \
    S(103, sd, lw, 5, 9, 0xd7d6d5d4d3d2d1d0) \
    S(104, sd, lw, 6, 8, 0xdfdedddcdbdad9d8) \
    S(105, sd, lwu, 7, 8, 0xe7e6e5e4e3e2e1e0) \
    S(106, sh, lb, 31, 31, 0xe9e8) S(107, sh, lb, 31, 32, 0xebea) \
    S(108, sh, lbu, 31, 31, 0xedec) S(109, sh, lbu, 31, 32, 0xefee) \
    S(110, sw, lb, 29, 29, 0xf3f2f1f0) S(111, sw, lbu, 30, 32, 0xf7f6f5f4) \
    S(112, sw, lh, 29, 31, 0xfbfaf9f8) S(113, sw, lhu, 31, 31, 0xfffefdfc) \
    S(114, sd, lb, 25, 32, 0x0706050403020100) \
    S(115, sd, lbu, 26, 33, 0x0f0e0d0c0b0a0908) \
    S(116, sd, lh, 27, 31, 0x1716151413121110) \
    S(117, sd, lhu, 28, 31, 0x1f1e1d1c1b1a1918) \
    S(118, sd, lw, 29, 29, 0x2726252423222120) \
    S(119, sd, lw, 30, 30, 0x2f2e2d2c2b2a2928) \
    S(120, sd, lwu, 31, 31, 0x3736353433323130) \
    S(121, sh, lb, 63, 63, 0x4948) S(122, sh, lb, 63, 64, 0x4b4a) \
    S(123, sh, lbu, 63, 63, 0x4d4c) S(124, sh, lbu, 63, 64, 0x4f4e) \
    S(125, sw, lb, 61, 61, 0x53525150) S(126, sw, lbu, 62, 64, 0x57565554) \
    S(127, sw, lh, 61, 63, 0x5b5a5958) S(128, sw, lhu, 63, 63, 0x5f5e5d5c) \
    S(129, sd, lb, 57, 64, 0x6766656463626160) \
    S(130, sd, lbu, 58, 65, 0x6f6e6d6c6b6a6968) \
    S(131, sd, lh, 59, 63, 0x7776757473727170) \
    S(132, sd, lhu, 60, 63, 0x7f7e7d7c7b7a7978) \
    S(133, sd, lw, 61, 61, 0x8786858483828180) \
    S(134, sd, lw, 62, 62, 0x8f8e8d8c8b8a8988) \
    S(135, sd, lwu, 63, 63, 0x9796959493929190) \
    /* a store read back wider: the bytes around it come from earlier \
     * checks (156: the reported failure) */ \
    S(136, sb, lh, 1, 1, 0x98) S(137, sb, lhu, 2, 1, 0x99) \
    S(138, sh, lw, 1, 1, 0x9b9a) S(139, sh, lw, 3, 2, 0x9d9c) \
    S(140, sh, lw, 5, 3, 0x9f9e) S(141, sb, lwu, 2, 1, 0xa0) \
    S(142, sh, lwu, 3, 2, 0xa2a1) S(143, sh, lwu, 5, 3, 0xa4a3) \
    S(144, sb, ld, 2, 1, 0xa5) S(145, sh, ld, 7, 2, 0xa7a6) \
    S(146, sh, ld, 9, 3, 0xa9a8) S(147, sw, ld, 5, 4, 0xadacabaa) \
    S(148, sw, ld, 7, 5, 0xb1b0afae) S(149, sw, ld, 9, 6, 0xb5b4b3b2) \
    S(150, sw, ld, 11, 7, 0xb9b8b7b6) \
    S(151, sb, lh, 31, 31, 0xba) S(152, sb, lhu, 32, 31, 0xbb) \
    S(153, sh, lw, 30, 30, 0xbdbc) S(154, sh, lw, 31, 30, 0xbfbe) \
    S(155, sh, lw, 32, 30, 0xc1c0) S(156, sb, lwu, 32, 31, 0xc2) \
    S(157, sh, lwu, 31, 29, 0xc4c3) S(158, sh, lwu, 32, 30, 0xc6c5) \
    S(159, sb, ld, 32, 25, 0xc7) S(160, sh, ld, 31, 26, 0xc9c8) \
    S(161, sh, ld, 31, 27, 0xcbca) S(162, sw, ld, 32, 28, 0xcfcecdcc) \
    S(163, sw, ld, 31, 29, 0xd3d2d1d0) S(164, sw, ld, 30, 30, 0xd7d6d5d4) \
    S(165, sw, ld, 29, 31, 0xdbdad9d8) \
    S(166, sb, lh, 63, 63, 0xdc) S(167, sb, lhu, 64, 63, 0xdd) \
    S(168, sh, lw, 62, 62, 0xdfde) S(169, sh, lw, 63, 62, 0xe1e0) \
    S(170, sh, lw, 64, 62, 0xe3e2) S(171, sb, lwu, 64, 63, 0xe4) \
    S(172, sh, lwu, 63, 61, 0xe6e5) S(173, sh, lwu, 64, 62, 0xe8e7) \
    S(174, sb, ld, 64, 57, 0xe9) S(175, sh, ld, 63, 58, 0xebea) \
    S(176, sh, ld, 63, 59, 0xedec) S(177, sw, ld, 64, 60, 0xf1f0efee) \
    S(178, sw, ld, 63, 61, 0xf5f4f3f2) S(179, sw, ld, 62, 62, 0xf9f8f7f6) \
    S(180, sw, ld, 61, 63, 0xfdfcfbfa)

#define MA_NB_CHECKS 180

#endif /* MA_CHECKS_H */
