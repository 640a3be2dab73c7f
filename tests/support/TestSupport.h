#pragma once
// Shared by the Qt Test executables: fixture lookup and tensor comparison with a useful failure message.

#include "io/TensorIo.h"
#include "support/CorruptCheckpoints.h"
#include "support/Fixtures.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <string>
#include <vector>

namespace wan::test {

struct TensorDiff
{
    bool shapeMatches = false;
    double maxAbs = 0.0;
    std::string where; // "index [0, 3, 1, 2]: got 0.1 want 0.2" or the shape mismatch
};

TensorDiff compareTensors(const torch::Tensor& got, const torch::Tensor& want);

// Writes `bytes` to dir/name as is and returns the path.
std::filesystem::path writeFile(const QTemporaryDir& dir, const std::string& name, const std::string& bytes);

// Adds the columns "bytes" (QByteArray) and "message" (QString) and one row per case.
void addCorruptCaseRows(const std::vector<CorruptCase>& cases);

} // namespace wan::test

// Fails with the max abs error and its location when |got - want| > atol anywhere (or shapes differ).
#define WAN_COMPARE_TENSORS(got, want, atol)                                                                   \
    do {                                                                                                       \
        const auto wanDiff_ = wan::test::compareTensors((got), (want));                                        \
        if (!wanDiff_.shapeMatches || !(wanDiff_.maxAbs <= (atol)))                                            \
            QFAIL(qPrintable(QStringLiteral("%1: max abs error %2 > %3 at %4")                                 \
                                 .arg(QStringLiteral(#got))                                                    \
                                 .arg(wanDiff_.maxAbs)                                                         \
                                 .arg(double(atol))                                                            \
                                 .arg(QString::fromStdString(wanDiff_.where))));                               \
        qInfo("%s: max abs error %.3g (atol %.1g)", #got, wanDiff_.maxAbs, double(atol));                      \
    } while (false)
