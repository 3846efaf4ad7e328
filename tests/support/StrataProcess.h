#pragma once
// Runs the `strata` binary under test (STRATA_BIN) and collects its exit code and output:
// the one way the end-to-end tests drive the command line.
#include <QProcess>
#include <QString>
#include <QStringList>

namespace strata::test {

struct StrataRun {
    int code = -1;  // exit code; -1 when it crashed, -2 when it timed out (and was killed)
    QString out, err;
};

inline StrataRun runStrata(const QStringList& args, int timeoutMs = 120000) {
    QProcess p;
    p.start(STRATA_BIN, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished();
        return {-2, "", "timeout"};
    }
    return {p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -1, QString::fromUtf8(p.readAllStandardOutput()),
            QString::fromUtf8(p.readAllStandardError())};
}

}  // namespace strata::test
