// The HTML report: escaping, the block and type of a layer name, and a small page rendered from a
// report document: one chart mark per quantized layer carrying the JSON's numbers, blocks in
// numeric order, nothing injected by a crafted name and nothing fetched from elsewhere.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "report/html_report.hpp"
#include "report/html_text.hpp"
#include "report/layer_key.hpp"

namespace lrq::host {
namespace {

using Json = nlohmann::ordered_json;

std::size_t count(const std::string& text, const std::string& part) {
  std::size_t found = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++found;
  }
  return found;
}

Json errors(double weight, double output) {
  return {{"weight_error", weight}, {"projected_error", nullptr}, {"output_error", output}};
}

Json quantized(const std::string& name, bool learned, double rtn_output, double result_output) {
  return {{"name", name},
          {"shape", {8, 8}},
          {"dtype", "BF16"},
          {"action", "quantize"},
          {"reason", ""},
          {"format_label", "fp8"},
          {"optimizer_label", learned ? "gptq" : "rtn"},
          {"stop_reason", "done"},
          {"rtn", errors(0.03, rtn_output)},
          {"learned_rounding", learned},
          {"learned_written", learned},
          {"result", errors(0.04, result_output)},
          {"evaluated_on", "statistics"}};
}

Json report_with(Json layers, Json verdict) {
  return {{"input", "in.safetensors"},
          {"output", "/tmp/<out>.safetensors"},
          {"format", "fp8"},
          {"optimizer", "gptq"},
          {"model", "generic"},
          {"backend", "cpu"},
          {"seed", 7},
          {"calibration", {{"stats", "s.safetensors"}, {"holdout", nullptr}}},
          {"seconds", 1.5},
          {"verdict", std::move(verdict)},
          {"layers", std::move(layers)},
          {"provenance", {{"version", "9.8.7"}, {"seed", 7}}}};
}

TEST(HtmlText, EscapesWhatCouldOpenATagOrEndAnAttribute) {
  EXPECT_EQ(html_escaped("<script>alert(\"x\")</script> & 'y'"),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;");
  EXPECT_EQ(html_escaped("double_blocks.0.img_attn.qkv.weight"),
            "double_blocks.0.img_attn.qkv.weight");
}

TEST(HtmlText, ExactNumbersReadBackAsTheSameDouble) {
  EXPECT_EQ(exact_number(0.5), "0.5");
  for (const double value : {0.1, 1.0 / 3.0, 2.5e-7, 0.38312345678901234}) {
    EXPECT_EQ(std::stod(exact_number(value)), value) << exact_number(value);
  }
  EXPECT_EQ(pixels(12.345), "12.35");
}

TEST(LayerKey, BlockIsTheNameUpToItsFirstInnerNumberedPart) {
  const LayerKey flux = layer_key("double_blocks.3.img_attn.qkv.weight");
  EXPECT_EQ(flux.block, "double_blocks.3");
  EXPECT_EQ(flux.family, "double_blocks");
  EXPECT_EQ(flux.number, 3u);
  EXPECT_EQ(flux.type, "img_attn.qkv");
  const LayerKey llama = layer_key("model.layers.12.self_attn.q_proj.weight");
  EXPECT_EQ(llama.block, "model.layers.12");
  EXPECT_EQ(llama.family, "model.layers");
  EXPECT_EQ(llama.type, "self_attn.q_proj");
  EXPECT_EQ(layer_key("single_blocks.10.linear1.weight").type, "linear1");
  for (const char* name : {"img_in.weight", "final_layer.adaLN_modulation.1.weight"}) {
    const LayerKey other = layer_key(name);
    EXPECT_EQ(other.block, "other") << name;
    EXPECT_EQ(other.type, std::string(name).substr(0, std::string(name).size() - 7)) << name;
  }
}

TEST(HtmlReport, ChartsEachLearnedLayerAgainstRoundToNearestInBlockOrder) {
  const Json layers = {quantized("blocks.10.attn.weight", true, 0.02, 0.01),
                       quantized("blocks.2.<script>alert(1)</script>.weight", true, 0.04, 0.03),
                       {{"name", "blocks.2.norm.scale"},
                        {"shape", {8}},
                        {"dtype", "BF16"},
                        {"action", "keep"},
                        {"reason", "not a linear weight"}},
                       quantized("img_in.weight", false, 0.05, 0.05)};
  const Json verdict = {{{"optimizer", "gptq"},
                         {"decided_on", "statistics"},
                         {"layers", 2},
                         {"better", 2},
                         {"equal", 0},
                         {"worse", 0},
                         {"learned_written", 2},
                         {"ratio", {{"layers", 2}, {"mean", 0.625}, {"worst", 0.75}}},
                         {"held_out_ratio", {{"layers", 0}, {"mean", nullptr}, {"worst", nullptr}}},
                         {"paid", true}}};
  const std::string html = html_report(report_with(layers, verdict));

  EXPECT_EQ(count(html, "<script"), 1u) << "only the table-sorting script";
  EXPECT_NE(html.find("blocks.2.&lt;script&gt;alert(1)&lt;/script&gt;.weight"), std::string::npos);
  EXPECT_NE(html.find("/tmp/&lt;out&gt;.safetensors"), std::string::npos);
  EXPECT_EQ(html.find("http://"), std::string::npos);
  EXPECT_EQ(html.find("https://"), std::string::npos);

  EXPECT_NE(html.find("data-measure=\"ratio_to_rtn\""), std::string::npos);
  EXPECT_EQ(count(html, "class=\"mark\""), 3u);
  EXPECT_NE(html.find("data-layer=\"blocks.10.attn.weight\" data-block=\"blocks.10\" "
                      "data-type=\"attn\" data-value=\"0.5\""),
            std::string::npos);
  EXPECT_NE(html.find("data-layer=\"img_in.weight\" data-block=\"other\" data-type=\"img_in\" "
                      "data-value=\"1\""),
            std::string::npos);
  const std::size_t block_2 = html.find("<g class=\"block\" data-block=\"blocks.2\"");
  const std::size_t block_10 = html.find("<g class=\"block\" data-block=\"blocks.10\"");
  const std::size_t other = html.find("<g class=\"block\" data-block=\"other\"");
  ASSERT_NE(block_2, std::string::npos);
  EXPECT_LT(block_2, block_10);
  EXPECT_LT(block_10, other);

  EXPECT_NE(html.find("learned rounding <span class=\"paid\">paid</span>"), std::string::npos);
  EXPECT_NE(html.find("<dd>9.8.7</dd>"), std::string::npos) << "the lrq version in the header";
  EXPECT_NE(html.find("<dt>calibration.stats</dt><dd>s.safetensors</dd>"), std::string::npos);
  EXPECT_NE(html.find("<dt>calibration.holdout</dt><dd>none</dd>"), std::string::npos);
  EXPECT_NE(html.find("<tr data-layer=\"blocks.2.norm.scale\">"), std::string::npos);
}

TEST(HtmlReport, ARoundToNearestRunChartsTheOutputErrorOnItsOwnScale) {
  const std::string html = html_report(
      report_with({quantized("blocks.0.linear1.weight", false, 2.5e-5, 2.5e-5)}, Json::array()));
  EXPECT_NE(html.find("data-measure=\"output_error\""), std::string::npos);
  EXPECT_NE(html.find("data-value=\"2.5e-05\" data-output-error=\"2.5e-05\""), std::string::npos);
  // The axis reaches 5 % above the largest error: the bar is 300 / 1.05 px of the 300 px plot.
  EXPECT_NE(html.find("height=\"285.71\""), std::string::npos);
  EXPECT_EQ(count(html, "class=\"weight-tick\""), 1u);
  EXPECT_NE(html.find("Round-to-nearest only"), std::string::npos);
}

}  // namespace
}  // namespace lrq::host
