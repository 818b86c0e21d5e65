# Protocol core (issue 2): CRC, framing, reassembly.
blupow_add_qtest(tst_crc16 LABELS unit)
blupow_add_qtest(tst_modbusframe LABELS unit)
blupow_add_qtest(tst_framereassembler LABELS unit)
