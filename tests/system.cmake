# The whole installation at once (issue 17, docs/system.md): the overview's numbers and what
# stands out in a battery bank, then the panel over the simulated system.
blupow_add_qtest(tst_systemsummary LABELS unit sim)
if(BLUPOW_BUILD_GUI)
    blupow_add_qtest(tst_systemoverview SOURCES gui/tst_systemoverview.cpp LIBS BluPow::ui
        LABELS gui sim TIMEOUT 120)
endif()
if(BLUPOW_BUILD_GUI)
    # Several devices linked at once in the GUI (issue 17.2, docs/gui.md).
    blupow_add_qtest(tst_multilink SOURCES gui/tst_multilink.cpp LIBS BluPow::ui
        LABELS gui sim TIMEOUT 120)
endif()
