#include "io/TensorIo.h"
#include "support/CheckpointWriter.h"
#include "support/CorruptCheckpoints.h"
#include "support/TestSupport.h"
#include "wan/Error.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>
#include <fstream>

using wan::io::TensorMap;
namespace fs = std::filesystem;

namespace {

using wan::test::writeFile;

std::string raw(const void* p, std::size_t n)
{
    return std::string(static_cast<const char*>(p), n);
}

// Runs f and returns the wan::Error it throws; fails the test when it does not throw.
template <typename F> std::optional<wan::Error> errorOf(F&& f)
{
    try {
        f();
    } catch (const wan::Error& e) {
        return e;
    } catch (const std::exception& e) {
        qWarning("unexpected exception type: %s", e.what());
        return std::nullopt;
    }
    return std::nullopt;
}

struct Tiny : torch::nn::Module
{
    Tiny()
    {
        fc = register_module("fc", torch::nn::Linear(3, 2));
        steps = register_buffer("steps", torch::zeros({4}, torch::kInt64));
    }
    torch::nn::Linear fc{nullptr};
    torch::Tensor steps;
};

TensorMap tinyWeights()
{
    return {{"fc.weight", torch::arange(6, torch::kFloat32).reshape({2, 3})},
            {"fc.bias", torch::tensor({0.5f, -0.5f})},
            {"steps", torch::arange(4, torch::kInt64)}};
}

} // namespace

class TestIoSafetensors : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void fixtureDit();
    void generatedDtypes();
    void float8Decoded();
    void misalignedDataIsCopied();
    void metadata();
    void corrupt_data();
    void corrupt();
    void notAFile();
    void bindZeroCopyAndCast();
    void bindReportsMismatches();
    void bindIgnoredPrefixes();
};

void TestIoSafetensors::fixtureDit()
{
    WAN_REQUIRE_FIXTURES();
    const fs::path file = wan::test::fixturesDir() / "wan-tiny-t2v" / "diffusion_pytorch_model.safetensors";
    const TensorMap w = wan::io::loadSafetensors(file);
    QCOMPARE(w.size(), std::size_t(69));
    const auto& patch = w.at("patch_embedding.weight");
    QCOMPARE(patch.sizes().vec(), (std::vector<int64_t>{64, 16, 1, 2, 2}));
    QCOMPARE(patch.scalar_type(), torch::kFloat32);
    QCOMPARE(w.at("text_embedding.0.weight").sizes().vec(), (std::vector<int64_t>{64, 32}));
    QCOMPARE(w.at("head.modulation").sizes().vec(), (std::vector<int64_t>{1, 2, 64}));
    // Sums recorded from the file with numpy.
    QVERIFY(std::abs(patch.to(torch::kFloat64).sum().item<double>() - -6.224852648889737) < 1e-9);
    QVERIFY(std::abs(w.at("text_embedding.0.weight").to(torch::kFloat64).sum().item<double>() -
                     -1.907738514506491) < 1e-9);
    // Zero copy: tensors alias one mapping, so their addresses differ by their file offsets (< file size).
    const auto a = reinterpret_cast<std::uintptr_t>(w.at("blocks.0.cross_attn.k.bias").data_ptr());
    const auto b = reinterpret_cast<std::uintptr_t>(w.at("blocks.0.cross_attn.k.weight").data_ptr());
    QCOMPARE(b - a, std::uintptr_t(256));
    // Loaded twice in a row, the first mapping is released with its tensors (no leak or crash).
    for (int i = 0; i < 3; ++i)
        QCOMPARE(wan::io::loadSafetensors(file).size(), std::size_t(69));
    QCOMPARE(wan::io::loadDitWeights(file.parent_path()).size(), std::size_t(69));
}

void TestIoSafetensors::generatedDtypes()
{
    QTemporaryDir dir;
    const float f32[] = {1.5f, -2.0f};
    const double f64[] = {3.25};
    const int32_t i32[] = {-7, 9};
    const int16_t i16[] = {-3};
    const int8_t i8[] = {-128, 127};
    const uint8_t u8[] = {0, 255};
    const uint8_t boolean[] = {1, 0, 1};
    const uint16_t f16[] = {0x3C00, 0xC000}; // 1, -2
    const int64_t i64[] = {1ll << 40};
    const auto file = writeFile(dir, "all.safetensors",
                                wan::test::safetensorsFile({
                                    {"f32", "F32", {2}, raw(f32, sizeof f32)},
                                    {"f64", "F64", {1}, raw(f64, sizeof f64)},
                                    {"f16", "F16", {2}, raw(f16, sizeof f16)},
                                    {"i64", "I64", {1}, raw(i64, sizeof i64)},
                                    {"i32", "I32", {2}, raw(i32, sizeof i32)},
                                    {"i16", "I16", {1}, raw(i16, sizeof i16)},
                                    {"i8", "I8", {2}, raw(i8, sizeof i8)},
                                    {"u8", "U8", {2, 1}, raw(u8, sizeof u8)},
                                    {"bool", "BOOL", {3}, raw(boolean, sizeof boolean)},
                                    {"empty", "F32", {0, 4}, ""},
                                    {"scalar", "F32", {}, raw(f32, 4)},
                                }));
    const TensorMap w = wan::io::loadSafetensors(file);
    QCOMPARE(w.size(), std::size_t(11));
    QCOMPARE(w.at("f32")[1].item<float>(), -2.0f);
    QCOMPARE(w.at("f64")[0].item<double>(), 3.25);
    QCOMPARE(w.at("f16").scalar_type(), torch::kFloat16);
    QCOMPARE(w.at("f16").to(torch::kFloat32)[1].item<float>(), -2.0f);
    QCOMPARE(w.at("i64")[0].item<int64_t>(), int64_t(1) << 40);
    QCOMPARE(w.at("i32")[0].item<int32_t>(), -7);
    QCOMPARE(w.at("i16")[0].item<int16_t>(), int16_t(-3));
    QCOMPARE(w.at("i8")[0].item<int8_t>(), int8_t(-128));
    QCOMPARE(w.at("u8").sizes().vec(), (std::vector<int64_t>{2, 1}));
    QCOMPARE(w.at("u8")[1][0].item<uint8_t>(), uint8_t(255));
    QCOMPARE(w.at("bool").scalar_type(), torch::kBool);
    QCOMPARE(w.at("bool")[1].item<bool>(), false);
    QCOMPARE(w.at("empty").sizes().vec(), (std::vector<int64_t>{0, 4}));
    QCOMPARE(w.at("scalar").dim(), int64_t(0));
    QCOMPARE(w.at("scalar").item<float>(), 1.5f);
}

void TestIoSafetensors::float8Decoded()
{
    QTemporaryDir dir;
    // e4m3fn: 0x38 = 1, 0xC0 = -2, 0x01 = 2^-9 (subnormal), 0x7E = 448, 0x7F = NaN. e5m2: 0x3C = 1, 0x7C =
    // inf.
    const auto file = writeFile(dir, "f8.safetensors",
                                wan::test::safetensorsFile({{"a", "F8_E4M3", {5}, "\x38\xC0\x01\x7E\x7F"},
                                                            {"b", "F8_E5M2", {2}, "\x3C\x7C"}}));
    const TensorMap w = wan::io::loadSafetensors(file);
    // Native float8 tensors aliasing the file (one byte per weight); their values decode as the format says.
    QCOMPARE(w.at("a").scalar_type(), torch::kFloat8_e4m3fn);
    QCOMPARE(w.at("b").scalar_type(), torch::kFloat8_e5m2);
    const auto a = w.at("a").to(torch::kFloat32);
    QCOMPARE(a[0].item<float>(), 1.0f);
    QCOMPARE(a[1].item<float>(), -2.0f);
    QCOMPARE(a[2].item<float>(), std::ldexp(1.0f, -9));
    QCOMPARE(a[3].item<float>(), 448.0f);
    QVERIFY(std::isnan(a[4].item<float>()));
    const auto b = w.at("b").to(torch::kFloat32);
    QCOMPARE(b[0].item<float>(), 1.0f);
    QVERIFY(std::isinf(b[1].item<float>()));
}

void TestIoSafetensors::misalignedDataIsCopied()
{
    QTemporaryDir dir;
    const float f32[] = {1.0f, 2.0f, 3.0f};
    // Header of 13 bytes: data starts at file offset 21, not a multiple of 4.
    const std::string header = R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,12]}})";
    std::string padded = header;
    while ((8 + padded.size()) % 4 != 1)
        padded += ' ';
    const auto file =
        writeFile(dir, "odd.safetensors", wan::test::safetensorsFromHeader(padded, raw(f32, 12)));
    const TensorMap w = wan::io::loadSafetensors(file);
    QCOMPARE(reinterpret_cast<std::uintptr_t>(w.at("a").data_ptr()) % 4, std::uintptr_t(0));
    QCOMPARE(w.at("a")[2].item<float>(), 3.0f);
    QCOMPARE(w.at("a").sum().item<float>(), 6.0f);
}

void TestIoSafetensors::metadata()
{
    QTemporaryDir dir;
    const auto file = writeFile(dir, "m.safetensors", wan::test::validSafetensors());
    const auto meta = wan::io::readSafetensorsMetadata(file);
    QCOMPARE(meta.size(), std::size_t(2));
    QCOMPARE(meta.at("title"), std::string("tiny"));
    const TensorMap w = wan::io::loadSafetensors(file);
    QCOMPARE(w.size(), std::size_t(3));
    QCOMPARE(w.at("b")[1].item<int64_t>(), int64_t(-1));
    QCOMPARE(w.at("c")[2].item<float>(), -4.0f);
}

void TestIoSafetensors::corrupt_data()
{
    wan::test::addCorruptCaseRows(wan::test::corruptSafetensorsCases());
}

void TestIoSafetensors::corrupt()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QString, message);
    QTemporaryDir dir;
    const auto file = writeFile(dir, "bad.safetensors", bytes.toStdString());
    const auto err = errorOf([&] { wan::io::loadSafetensors(file); });
    QVERIFY2(err.has_value(), "no wan::Error thrown");
    QCOMPARE(err->kind(), wan::ErrorKind::CorruptFile);
    const QString what = QString::fromStdString(err->what());
    QVERIFY2(what.contains(message), qPrintable(what));
    QVERIFY2(what.contains(QString::fromStdString(file.string())), qPrintable(what));
    const auto metaErr = errorOf([&] { wan::io::readSafetensorsMetadata(file); });
    QVERIFY(metaErr.has_value());
}

void TestIoSafetensors::notAFile()
{
    QTemporaryDir dir;
    auto err = errorOf([&] { wan::io::loadSafetensors(dir.path().toStdString()); });
    QVERIFY(err.has_value());
    QCOMPARE(err->kind(), wan::ErrorKind::ModelFolder);
    QVERIFY2(QString(err->what()).contains("not a regular file"), err->what());
    err = errorOf([&] { wan::io::loadSafetensors(fs::path(dir.path().toStdString()) / "nope.safetensors"); });
    QVERIFY(err.has_value());
    QCOMPARE(err->kind(), wan::ErrorKind::ModelFolder);
    QVERIFY2(QString(err->what()).contains("nope.safetensors"), err->what());
    err = errorOf([&] { wan::io::loadDitWeights(dir.path().toStdString()); });
    QVERIFY(err.has_value());
    QVERIFY2(QString(err->what()).contains("Wan-AI/Wan2.1-T2V-1.3B"), err->what());
}

void TestIoSafetensors::bindZeroCopyAndCast()
{
    const TensorMap weights = tinyWeights();
    Tiny model;
    wan::io::bindStateDict(model, weights, "tiny.safetensors");
    QCOMPARE(model.fc->weight.data_ptr(), weights.at("fc.weight").data_ptr());
    QCOMPARE(model.steps.data_ptr(), weights.at("steps").data_ptr());
    QCOMPARE(model.fc->forward(torch::ones({1, 3}))[0][1].item<float>(), 12.0f - 0.5f);

    Tiny half;
    wan::io::bindStateDict(half, weights, "tiny.safetensors",
                           {torch::kBFloat16, torch::kCPU, {}, nullptr, {}});
    QCOMPARE(half.fc->weight.scalar_type(), torch::kBFloat16);
    QCOMPARE(half.steps.scalar_type(), torch::kInt64); // integer tensors keep their dtype
    QCOMPARE(half.named_parameters()["fc.weight"].scalar_type(), torch::kBFloat16);
    QCOMPARE(half.fc->weight[1][2].item<float>(), 5.0f);
}

void TestIoSafetensors::bindReportsMismatches()
{
    TensorMap weights = tinyWeights();
    weights.erase("fc.bias");
    weights["fc.weight"] = torch::zeros({3, 3});
    weights["extra.one"] = torch::zeros({1});
    Tiny model;
    const auto err = errorOf([&] { wan::io::bindStateDict(model, weights, "/models/dit.safetensors"); });
    QVERIFY(err.has_value());
    QCOMPARE(err->kind(), wan::ErrorKind::ModelFolder);
    const QString what = err->what();
    QVERIFY2(what.contains("/models/dit.safetensors"), qPrintable(what));
    QVERIFY2(what.contains("1 missing: fc.bias"), qPrintable(what));
    QVERIFY2(what.contains("1 with a wrong shape: fc.weight [3, 3] (model expects [2, 3])"),
             qPrintable(what));
    QVERIFY2(what.contains("1 unknown: extra.one"), qPrintable(what));
    // Nothing was bound: the module keeps its own tensors.
    QCOMPARE(model.fc->weight.sizes().vec(), (std::vector<int64_t>{2, 3}));

    TensorMap many = tinyWeights();
    for (int i = 0; i < 12; ++i)
        many["junk." + std::to_string(i)] = torch::zeros({1});
    const auto err2 = errorOf([&] { wan::io::bindStateDict(model, many, "x"); });
    QVERIFY(err2.has_value());
    QVERIFY2(QString(err2->what()).contains("12 unknown:"), err2->what());
    QVERIFY2(QString(err2->what()).contains(", ..."), err2->what());
}

void TestIoSafetensors::bindIgnoredPrefixes()
{
    TensorMap weights = tinyWeights();
    weights["textual.a"] = torch::zeros({1});
    weights["textual.b"] = torch::zeros({1});
    Tiny model;
    QVERIFY(errorOf([&] { wan::io::bindStateDict(model, weights, "x"); }).has_value());
    wan::io::bindStateDict(model, weights, "x", {torch::kFloat32, torch::kCPU, {"textual."}, nullptr, {}});
    QCOMPARE(model.fc->bias[0].item<float>(), 0.5f);
}

QTEST_GUILESS_MAIN(TestIoSafetensors)
#include "test_io_safetensors.moc"
