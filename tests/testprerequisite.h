#pragma once

// What a test needs from outside its own build (the shared/ folder beside the checkout with the
// real captures, a broker from the CTest fixture, the CLI's path). On a developer's own clone a
// missing prerequisite is a skip; under CI (CI set, and not "false") every prerequisite is
// provided, so a missing one is a failure: a skip there would hide a test that never ran.

#include <QString>
#include <QTest>
#include <QtGlobal>

namespace blupow::testing {

[[nodiscard]] inline bool prerequisitesAreMandatory() {
    const QByteArray ci = qgetenv("CI");
    return !ci.isEmpty() && ci != "false" && ci != "0";
}

// The shared/ folder beside the checkout (captures, frame vectors). BLUPOW_SHARED_DIR in the
// environment overrides the configured path, so a test can prove that CI fails without it.
[[nodiscard]] inline QString sharedPath(const QString &relative) {
#ifdef BLUPOW_SHARED_DIR
    const QString configured = QStringLiteral(BLUPOW_SHARED_DIR);
#else
    const QString configured;
#endif
    return qEnvironmentVariable("BLUPOW_SHARED_DIR", configured) + u'/' + relative;
}

} // namespace blupow::testing

// QSKIP and QFAIL return from the calling test function, so this must be a macro.
#define BLUPOW_REQUIRE_PREREQUISITE(available, what)                                               \
    do {                                                                                           \
        if (!(available)) {                                                                        \
            if (blupow::testing::prerequisitesAreMandatory())                                      \
                QFAIL("CI=true but this test's prerequisite is missing: " what);                   \
            QSKIP("needs " what);                                                                  \
        }                                                                                          \
    } while (false)
