# Protocol core (issue 2): CRC, framing, reassembly.
blupow_add_qtest(tst_crc16 LABELS unit)
blupow_add_qtest(tst_modbusframe LABELS unit)
blupow_add_qtest(tst_framereassembler LABELS unit)
# One request in flight, retries and late replies, against a link the test speaks for (issue 16).
blupow_add_qtest(tst_modbusclient LABELS unit)
