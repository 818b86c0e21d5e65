# The history file (issue 18.1): store, writer and reader threads, CSV export, the CLI and a
# kill -9 loop against `blupow-cli monitor --history`.
blupow_add_qtest(tst_historystore LABELS unit TIMEOUT 120)
