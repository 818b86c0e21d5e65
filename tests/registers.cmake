# Register maps and decoding (issue 2, points 4-8).
blupow_add_qtest(tst_registermap LABELS unit)
blupow_add_qtest(tst_registerdecoder LABELS unit)
