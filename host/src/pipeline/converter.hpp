// Executes a conversion plan: copies kept tensors straight from the memory map, quantizes the
// others one layer at a time on the backend, and streams everything into the output file.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "lrq/backend.hpp"
#include "lrq/format.hpp"
#include "lrq/optimizer.hpp"
#include "pipeline/conversion_plan.hpp"

namespace lrq::host {

struct LayerOutcome {
  TensorInfo tensor;  // as in the input
  LayerAction action = LayerAction::keep;
  std::string reason;
  std::string comfy_format;  // quantized layers only
  ErrorNorms weight_error;   // quantized layers only: ||W - dequant(Q)|| and ||W||
  std::int64_t iterations = 0;
  std::string stop_reason;
  double seconds = 0.0;
};

struct ConversionResult {
  std::filesystem::path output;
  std::vector<LayerOutcome> layers;  // one per input tensor, in input order
  std::uint64_t input_bytes = 0;
  std::uint64_t output_bytes = 0;
  double seconds = 0.0;
};

struct ConversionTools {
  Format& format;
  Optimizer& optimizer;
  Backend& backend;
};

// Told after every tensor of the input, for a progress display.
class ConversionProgress {
 public:
  virtual ~ConversionProgress() = default;
  virtual void tensor_done(const LayerOutcome& tensor, std::size_t done, std::size_t total,
                           std::uint64_t bytes_done, std::uint64_t bytes_total) = 0;
};

ConversionResult convert(const SafetensorsReader& input, const ConversionPlan& plan,
                         const ConversionTools& tools, std::uint64_t seed,
                         const std::filesystem::path& output,
                         ConversionProgress* progress = nullptr);

}  // namespace lrq::host
