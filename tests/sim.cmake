# Simulator, simulated transport and the device session (issue 3).
blupow_add_qtest(tst_devicesimulator LABELS unit sim)
blupow_add_qtest(tst_simulatedtransport LABELS unit sim)
blupow_add_qtest(tst_devicesession LABELS sim TIMEOUT 120)
