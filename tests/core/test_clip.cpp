// CLIP ViT-H/14 visual tower: preprocessing and features against the official CLIPModel.visual in the
// fixtures.

#include "support/TestSupport.h"
#include "vision/ClipVision.h"
#include "wan/Error.h"

#include <QTest>

using wan::vision::ClipVision;

class TestClip : public QObject
{
    Q_OBJECT

private:
    std::filesystem::path i2vDir() const { return wan::test::fixturesDir() / "wan-tiny-i2v"; }

    wan::io::TensorMap reference() const
    {
        return wan::io::loadSafetensors(i2vDir() / "reference" / "clip.safetensors");
    }

    std::shared_ptr<ClipVision> model()
    {
        if (!m_model)
            m_model = ClipVision::load(i2vDir(), torch::kFloat32, torch::kCPU);
        return m_model;
    }

    std::shared_ptr<ClipVision> m_model;

private Q_SLOTS:
    void config()
    {
        WAN_REQUIRE_FIXTURES();
        const auto& c = model()->config();
        QCOMPARE(c.width, int64_t(64));
        QCOMPARE(c.patchSize, int64_t(14));
        QCOMPARE(c.imageSize, int64_t(224)); // from the 257 position embeddings
        QCOMPARE(c.layers, int64_t(3));
        QCOMPARE(c.heads, wan::vision::kClipHeads);
    }

    void preprocess()
    {
        WAN_REQUIRE_FIXTURES();
        const auto ref = reference();
        WAN_COMPARE_TENSORS(model()->preprocess(ref.at("image")), ref.at("clip_input"), 1e-5);
    }

    // The [-1, 1] input as the pipeline builds it from 8-bit pixels (TF.to_tensor * 2 - 1), then the
    // features.
    void features()
    {
        WAN_REQUIRE_FIXTURES();
        const auto ref = reference();
        const auto image =
            ref.at("image_u8").permute({2, 0, 1}).to(torch::kFloat32).div(255).sub(0.5).div(0.5);
        WAN_COMPARE_TENSORS(image, ref.at("image"), 1e-6);
        WAN_COMPARE_TENSORS(model()->encode(image), ref.at("features"), 1e-4);
    }

    // bf16 weights take the reduced-precision path (norms and embeddings kept in float32). Not a parity
    // claim: bf16 keeps ~3 significant digits, so the bound is loose.
    void bf16Weights()
    {
        WAN_REQUIRE_FIXTURES();
        const auto ref = reference();
        auto m = ClipVision::load(i2vDir(), torch::kBFloat16, torch::kCPU);
        QCOMPARE(m->visual->pre_norm->weight.scalar_type(), torch::kFloat32);
        const auto features = m->encode(ref.at("image"));
        QCOMPARE(features.scalar_type(), torch::kFloat32);
        WAN_COMPARE_TENSORS(features, ref.at("features"), 0.1);
    }

    void missingCheckpoint()
    {
        WAN_REQUIRE_FIXTURES();
        try {
            ClipVision::load(wan::test::fixturesDir() / "wan-tiny-t2v", torch::kFloat32, torch::kCPU);
            QFAIL("no error");
        } catch (const wan::Error& e) {
            QCOMPARE(e.kind(), wan::ErrorKind::ModelFolder);
            QVERIFY2(QString(e.what()).contains(wan::vision::kClipCheckpointName), e.what());
        }
    }

    void badImage()
    {
        WAN_REQUIRE_FIXTURES();
        try {
            model()->encode(torch::zeros({4, 8, 8}));
            QFAIL("no error");
        } catch (const wan::Error& e) {
            QCOMPARE(e.kind(), wan::ErrorKind::InvalidArgument);
        }
    }
};

QTEST_GUILESS_MAIN(TestClip)
#include "test_clip.moc"
