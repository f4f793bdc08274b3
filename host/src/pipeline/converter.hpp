// Executes a conversion plan: copies kept tensors straight from the memory map, quantizes the
// others one layer at a time on the backend, corrects their biases, and streams everything into
// the output file (or shards) in the input's order. While a layer is converted, the next one is
// read and uploaded on a prefetch thread and the previous one written on a writer thread.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <span>
#include <string>
#include <vector>

#include "lrq/backend.hpp"
#include "pipeline/conversion_plan.hpp"
#include "pipeline/staged_files.hpp"

namespace lrq::host {

inline constexpr double kNotComputed = std::numeric_limits<double>::quiet_NaN();

// Relative errors of a quantized layer; NaN where not computed.
struct LayerErrors {
  double weight = kNotComputed;     // ||W - Ŵ|| / ||W||
  double projected = kNotComputed;  // on the top-k singular subspace
  // The expected output error on the evaluation inputs, sqrt(tr(E H Eᵀ) / tr(W H Wᵀ)) with
  // E = W - Ŵ and H their second moment (= ||X Eᵀ|| / ||X Wᵀ|| for inputs X of that moment).
  double output = kNotComputed;
};

// The inputs an output error is measured on.
enum class InputSource {
  none,
  synthetic,   // standard normal: H = I, the output error is the weight error
  statistics,  // calibration.stats
  holdout,     // calibration.holdout
};
const char* input_source_name(InputSource source) noexcept;

// A learned rounding against round-to-nearest, by the ratio of their expected output errors.
// Ratios within 1e-6 of 1 are equal: roundings of the same quality differ there only by the
// float rounding of the scale and of the sums (without statistics, where round-to-nearest is
// optimal, a data-free optimizer often lands at 0.9999999x).
enum class VersusRtn { better, equal, worse };
inline constexpr double kEqualRatioTolerance = 1e-6;
VersusRtn versus_rtn(double learned_ratio) noexcept;

struct LayerOutcome {
  TensorInfo tensor;  // as in the input
  LayerAction action = LayerAction::keep;
  std::string reason;
  // Quantized layers only:
  std::string format;        // the format plugin
  std::string format_label;  // with its options: "fp8(scale=row)"
  std::string comfy_format;  // the "format" of its .comfy_quant: "float8_e4m3fn"
  std::string optimizer;     // the optimizer plugin
  std::string optimizer_label;
  std::string scale_layout;  // "per-tensor", "per-block 128x128", ...
  std::int64_t rank = 0;
  std::int64_t iterations = 0;
  std::string stop_reason;
  LayerErrors rtn;      // round-to-nearest with the same scales
  LayerErrors learned;  // the optimizer's result, unless it is round-to-nearest
  LayerErrors result;   // what was written
  // A learned result is written only when it is better than round-to-nearest (versus_rtn) on
  // `decided_on` (or, under reference_compat, for the reference's data-free optimizers).
  bool learned_rounding = false;  // the optimizer learned one (not rtn, statistics not missing)
  bool learned_written = false;
  InputSource decided_on = InputSource::none;
  double learned_ratio = kNotComputed;  // learned / RTN expected output error on decided_on
  InputSource evaluated_on = InputSource::none;  // the inputs of the errors' `output`
  bool bias_corrected = false;
  InputSource bias_inputs = InputSource::none;  // whose mean corrected the bias
  double seconds = 0.0;
};

struct ConversionResult {
  std::filesystem::path output;      // the file, or the index of the shards
  std::vector<LayerOutcome> layers;  // one per input tensor, in input order
  std::uint64_t input_bytes = 0;
  std::uint64_t output_bytes = 0;
  double seconds = 0.0;
};

struct ConversionSettings {
  std::uint64_t seed = 0;
  bool reference_compat = false;
  bool evaluate_outputs = true;       // the errors of the report
  std::int64_t calib_samples = 3072;  // synthetic inputs behind the bias correction's mean
  // Read and upload the next layer, and write the last one, on threads of their own while a
  // layer is converted. Not a user option: the output is the same either way, and tests compare.
  bool streaming = true;
  std::uint64_t shard_size = 0;  // bytes of tensors per output shard; 0: one output file
  // Added to the output's __metadata__, replacing the input's entries of the same keys: how the
  // file was made (provenance.hpp).
  Metadata provenance = {};
};

// A quantized layer whose conversion begins: the index-th (from 0) of `count` in conversion order,
// after layers whose weights hold `bytes_before` of the layers' `bytes_total` bytes in the input.
struct LayerStart {
  const TensorInfo& weight;
  std::size_t index = 0;
  std::size_t count = 0;
  std::uint64_t bytes_before = 0;
  std::uint64_t bytes_total = 0;
};

// Told of a conversion's progress, for a progress display: layer_started on the conversion thread
// as each quantized layer's conversion begins, and tensor_done after every tensor of the input is
// written (when streaming, on the writer thread).
class ConversionProgress {
 public:
  virtual ~ConversionProgress() = default;
  virtual void layer_started(const LayerStart& layer) = 0;
  virtual void tensor_done(const LayerOutcome& tensor, std::size_t done, std::size_t total,
                           std::uint64_t bytes_done, std::uint64_t bytes_total) = 0;
};

// Each layer is quantized with the format and optimizer of its plan, on one of `backends` (more
// than one: one worker each, layer_workers.hpp). The output
// (output_files.hpp) is left staged in `staged`, whose commit point names it (output_commit_point):
// the caller commits it with the rest of the run.
ConversionResult convert(const Checkpoint& input, const ConversionPlan& plan,
                         std::span<Backend* const> backends, const ConversionSettings& settings,
                         StagedFiles& staged, ConversionProgress* progress = nullptr);

}  // namespace lrq::host
