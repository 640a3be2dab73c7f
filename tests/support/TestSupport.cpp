#include "support/TestSupport.h"

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace wan::test {

TensorDiff compareTensors(const torch::Tensor& got, const torch::Tensor& want)
{
    TensorDiff diff;
    if (got.sizes() != want.sizes()) {
        std::ostringstream os;
        os << "shape " << got.sizes() << " vs expected " << want.sizes();
        diff.where = os.str();
        diff.maxAbs = std::numeric_limits<double>::infinity();
        return diff;
    }
    diff.shapeMatches = true;
    if (got.numel() == 0)
        return diff;
    const auto g = got.detach().to(torch::kCPU, torch::kFloat64).contiguous();
    const auto w = want.detach().to(torch::kCPU, torch::kFloat64).contiguous();
    auto err = (g - w).abs();
    // NaN anywhere counts as an infinite error.
    err =
        torch::where(torch::isnan(err), torch::full_like(err, std::numeric_limits<double>::infinity()), err);
    const auto flat = err.flatten();
    const auto idx = flat.argmax().item<int64_t>();
    diff.maxAbs = flat[idx].item<double>();
    std::vector<int64_t> pos(got.dim());
    int64_t rest = idx;
    for (int64_t d = got.dim() - 1; d >= 0; --d) {
        pos[d] = rest % got.size(d);
        rest /= got.size(d);
    }
    std::ostringstream os;
    os << "index [";
    for (size_t i = 0; i < pos.size(); ++i)
        os << (i ? ", " : "") << pos[i];
    os << "]: got " << g.flatten()[idx].item<double>() << " want " << w.flatten()[idx].item<double>();
    diff.where = os.str();
    return diff;
}

std::filesystem::path writeFile(const QTemporaryDir& dir, const std::string& name, const std::string& bytes)
{
    const std::filesystem::path path = std::filesystem::path(dir.path().toStdString()) / name;
    std::ofstream out(path, std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    return path;
}

void addCorruptCaseRows(const std::vector<CorruptCase>& cases)
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QString>("message");
    for (const auto& c : cases)
        QTest::newRow(c.name.c_str()) << QByteArray(c.bytes.data(), qsizetype(c.bytes.size()))
                                      << QString::fromStdString(c.expectedMessage);
}

} // namespace wan::test
