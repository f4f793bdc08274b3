// Activation statistics files (docs/activation-stats.md): per linear layer, keyed by the weight's
// name, how many input vectors were seen, their mean and their second moment H = E[xᵀx], dense or
// as a diagonal plus a low-rank factor.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lrq/safetensors.hpp"

namespace lrq {

inline constexpr const char* kActivationStatsFormat = "lrq.activation_stats";
inline constexpr const char* kActivationStatsVersion = "1";

// One layer of a statistics file: where its tensors are. Exactly one of `gram` and
// (`gram_diag`, `gram_factor`) is set.
struct LayerInputStats {
  std::string key;         // the weight's key as written in the file
  std::int64_t width = 0;  // K, the layer's number of inputs
  std::int64_t count = 0;  // input vectors accumulated, >= 1
  const SafetensorsEntry* mean = nullptr;
  const SafetensorsEntry* gram = nullptr;
  const SafetensorsEntry* gram_diag = nullptr;
  const SafetensorsEntry* gram_factor = nullptr;

  bool compact() const noexcept { return gram == nullptr; }
};

class ActivationStats {
 public:
  // Reads and checks the file's header, metadata and the structure of every layer (names, dtypes,
  // shapes, counts). Throws lrq::Error (input) naming the file and the tensor or field.
  explicit ActivationStats(const std::filesystem::path& path);

  const std::filesystem::path& path() const noexcept { return reader_.path(); }
  const SafetensorsReader& reader() const noexcept { return reader_; }
  const std::string& producer() const noexcept { return producer_; }
  std::int64_t samples() const noexcept { return samples_; }
  const std::vector<LayerInputStats>& layers() const noexcept { return layers_; }

  // The layer recorded for a weight of a checkpoint: the same key, or failing that the same key
  // once a prefix ComfyUI adds (model.diffusion_model., diffusion_model., model.) is removed
  // from either side. nullptr when there is none; throws (input) when two layers fit.
  const LayerInputStats* find(std::string_view weight_key) const;

  // Checks the values of one layer: finite, a non-negative diagonal, a symmetric gram. Throws
  // lrq::Error (input) naming the file and tensor. Reads the layer's pages.
  void check_values(const LayerInputStats& layer) const;

  // The layer's mean and diag(H) as floats, read from the file.
  std::vector<float> mean(const LayerInputStats& layer) const;
  std::vector<float> diagonal(const LayerInputStats& layer) const;
  // max(diag(H) - rowsq(F), 0): what the compact form adds to F Fᵀ on the diagonal.
  std::vector<float> residual_diagonal(const LayerInputStats& layer) const;

 private:
  SafetensorsReader reader_;
  std::string producer_;
  std::int64_t samples_ = 0;
  std::vector<LayerInputStats> layers_;
  std::map<std::string, std::size_t, std::less<>> by_key_;
  // Keys without ComfyUI's prefixes; an index of layers_.size() marks two layers that collide.
  std::map<std::string, std::size_t, std::less<>> by_bare_key_;
};

// A layer's statistics to write, in double precision.
struct LayerInputStatsValues {
  std::string key;
  std::int64_t count = 0;
  std::vector<double> mean;         // [K]
  std::vector<double> gram;         // [K, K], or empty for the compact form
  std::vector<double> gram_diag;    // [K], compact form
  std::vector<double> gram_factor;  // [K, rank], compact form
  std::int64_t rank = 0;
};

// Writes a statistics file atomically (temporary file, then rename) with F32 or F64 values.
void write_activation_stats(const std::filesystem::path& path,
                            std::span<const LayerInputStatsValues> layers,
                            const std::string& producer, std::int64_t samples,
                            DType dtype = DType::F32);

}  // namespace lrq
