# Capture files (issue 7): btsnoop import, ATT decoding, recording, replay, bad files, fuzzing.
blupow_add_qtest(tst_conversationextractor LABELS unit)
blupow_add_qtest(tst_btsnoop LABELS unit)
blupow_add_qtest(tst_captureimporter LABELS integration TIMEOUT 120)
blupow_add_qtest(tst_replaytransport LABELS unit)
