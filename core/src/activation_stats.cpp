#include "lrq/activation_stats.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstring>

#include "lrq/error.hpp"
#include "lrq/quoted.hpp"

namespace lrq {
namespace {

constexpr std::array<std::string_view, 3> kComfyPrefixes = {"model.diffusion_model.",
                                                            "diffusion_model.", "model."};
constexpr std::array<std::string_view, 5> kFields = {"count", "mean", "gram", "gram_diag",
                                                     "gram_factor"};

std::string_view without_comfy_prefix(std::string_view key) {
  for (const std::string_view prefix : kComfyPrefixes) {
    if (key.starts_with(prefix) && key.size() > prefix.size()) return key.substr(prefix.size());
  }
  return key;
}

class StatsFile {
 public:
  explicit StatsFile(const SafetensorsReader& reader) : reader_(reader) {}

  [[noreturn]] void fail(const std::string& what) const {
    throw Error(ErrorCategory::input, reader_.path().string() + ": " + what);
  }
  [[noreturn]] void fail(const SafetensorsEntry& entry, const std::string& what) const {
    fail("tensor " + in_quotes(entry.info.name) + ": " + what);
  }

  const std::string& metadata(const char* key) const {
    for (const auto& [name, value] : reader_.metadata()) {
      if (name == key) return value;
    }
    fail(std::string("not an activation statistics file: __metadata__ has no ") + in_quotes(key) +
         " (see docs/activation-stats.md)");
  }

  std::int64_t positive_integer(const char* key) const {
    const std::string& text = metadata(key);
    std::int64_t value = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (error != std::errc() || end != text.data() + text.size() || value < 0) {
      fail("__metadata__ " + in_quotes(key) + " must be a non-negative integer, got " +
           in_quotes(text));
    }
    return value;
  }

  void require_float(const SafetensorsEntry& entry) const {
    if (entry.info.dtype != DType::F32 && entry.info.dtype != DType::F64) {
      fail(entry,
           "dtype " + std::string(safetensors_name(entry.info.dtype)) + ", expected F32 or F64");
    }
  }

  void require_shape(const SafetensorsEntry& entry, const Shape& shape) const {
    if (entry.info.shape != shape) {
      fail(entry,
           "shape " + shape_to_string(entry.info.shape) + ", expected " + shape_to_string(shape));
    }
  }

  std::int64_t count_of(const SafetensorsEntry& entry) const {
    if (entry.info.dtype != DType::I64) {
      fail(entry, "dtype " + std::string(safetensors_name(entry.info.dtype)) + ", expected I64");
    }
    require_shape(entry, {});
    std::int64_t count = 0;
    std::memcpy(&count, reader_.view(entry).bytes.data(), sizeof count);
    if (count < 1) fail(entry, "count " + std::to_string(count) + ", expected at least 1");
    return count;
  }

  float value(const SafetensorsEntry& entry, std::size_t index) const {
    const std::byte* bytes = reader_.view(entry).bytes.data();
    if (entry.info.dtype == DType::F32) {
      float value = 0.0f;
      std::memcpy(&value, bytes + index * sizeof value, sizeof value);
      return value;
    }
    double value = 0.0;
    std::memcpy(&value, bytes + index * sizeof value, sizeof value);
    return static_cast<float>(value);
  }

  std::vector<float> floats(const SafetensorsEntry& entry) const {
    const TensorView view = reader_.view(entry);
    std::vector<float> values(static_cast<std::size_t>(entry.info.elements()));
    if (entry.info.dtype == DType::F32) {
      std::memcpy(values.data(), view.bytes.data(), view.bytes.size());
    } else {
      for (std::size_t i = 0; i < values.size(); ++i) {
        double value = 0.0;
        std::memcpy(&value, view.bytes.data() + i * sizeof value, sizeof value);
        values[i] = static_cast<float>(value);
      }
    }
    return values;
  }

 private:
  const SafetensorsReader& reader_;
};

// The layer's tensors by field, from the file's tensor names `<weight key>.<field>`.
struct LayerEntries {
  std::map<std::string_view, const SafetensorsEntry*> fields;
};

std::map<std::string, LayerEntries, std::less<>> group_by_layer(const SafetensorsReader& reader,
                                                                const StatsFile& file) {
  std::map<std::string, LayerEntries, std::less<>> layers;
  for (const SafetensorsEntry& entry : reader.entries()) {
    const std::string& name = entry.info.name;
    const std::size_t dot = name.rfind('.');
    const std::string_view field =
        dot == std::string::npos ? std::string_view() : std::string_view(name).substr(dot + 1);
    const bool known = std::find(kFields.begin(), kFields.end(), field) != kFields.end();
    if (!known || dot == 0) {
      file.fail(entry,
                "not a statistics tensor: the name must be '<weight key>.<field>' with a "
                "field of count, mean, gram, gram_diag, gram_factor");
    }
    // The field views point into kFields, which outlives the map.
    const auto stable = *std::find(kFields.begin(), kFields.end(), field);
    layers[name.substr(0, dot)].fields[stable] = &entry;
  }
  return layers;
}

LayerInputStats checked_layer(const std::string& key, const LayerEntries& entries,
                              const StatsFile& file) {
  const auto field = [&](std::string_view name) -> const SafetensorsEntry* {
    const auto found = entries.fields.find(name);
    return found == entries.fields.end() ? nullptr : found->second;
  };
  LayerInputStats layer{
      key, 0, 0, field("mean"), field("gram"), field("gram_diag"), field("gram_factor")};
  const SafetensorsEntry* count = field("count");
  const std::string what = "layer " + in_quotes(key) + ": ";
  if (count == nullptr || layer.mean == nullptr) {
    file.fail(what + "needs both " + in_quotes(key + ".count") + " and " +
              in_quotes(key + ".mean"));
  }
  const bool dense = layer.gram != nullptr;
  const bool compact = layer.gram_diag != nullptr || layer.gram_factor != nullptr;
  if (dense == compact ||
      (compact && (layer.gram_diag == nullptr || layer.gram_factor == nullptr))) {
    file.fail(what + "needs either " + in_quotes(key + ".gram") + " or both " +
              in_quotes(key + ".gram_diag") + " and " + in_quotes(key + ".gram_factor"));
  }
  layer.count = file.count_of(*count);
  file.require_float(*layer.mean);
  if (layer.mean->info.shape.size() != 1 || layer.mean->info.shape[0] < 1) {
    file.fail(*layer.mean, "shape " + shape_to_string(layer.mean->info.shape) + ", expected [K]");
  }
  layer.width = layer.mean->info.shape[0];
  const std::int64_t k = layer.width;
  if (dense) {
    file.require_float(*layer.gram);
    file.require_shape(*layer.gram, {k, k});
    return layer;
  }
  file.require_float(*layer.gram_diag);
  file.require_shape(*layer.gram_diag, {k});
  file.require_float(*layer.gram_factor);
  const Shape& factor = layer.gram_factor->info.shape;
  if (factor.size() != 2 || factor[0] != k || factor[1] < 1 || factor[1] > k) {
    file.fail(*layer.gram_factor, "shape " + shape_to_string(factor) + ", expected [" +
                                      std::to_string(k) +
                                      ", r] with 1 <= r <= " + std::to_string(k));
  }
  return layer;
}

void require_finite(const std::vector<float>& values, const SafetensorsEntry& entry,
                    const StatsFile& file) {
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      file.fail(entry, "element " + std::to_string(i) + " is " +
                           (std::isnan(values[i]) ? "NaN" : "infinite"));
    }
  }
}

}  // namespace

ActivationStats::ActivationStats(const std::filesystem::path& path) : reader_(path) {
  const StatsFile file(reader_);
  if (const std::string& format = file.metadata("format"); format != kActivationStatsFormat) {
    file.fail("not an activation statistics file: __metadata__ 'format' is " + in_quotes(format) +
              ", expected " + in_quotes(kActivationStatsFormat));
  }
  if (const std::string& version = file.metadata("format_version");
      version != kActivationStatsVersion) {
    file.fail("activation statistics format version " + in_quotes(version) +
              " is not supported (this lrq reads version " + kActivationStatsVersion + ")");
  }
  producer_ = file.metadata("producer");
  samples_ = file.positive_integer("samples");
  for (const auto& [key, entries] : group_by_layer(reader_, file)) {
    layers_.push_back(checked_layer(key, entries, file));
  }
  if (layers_.empty()) file.fail("no layers: the file holds no statistics");
  for (std::size_t i = 0; i < layers_.size(); ++i) {
    by_key_.emplace(layers_[i].key, i);
    const auto [slot, added] = by_bare_key_.emplace(without_comfy_prefix(layers_[i].key), i);
    if (!added) slot->second = layers_.size();
  }
}

const LayerInputStats* ActivationStats::find(std::string_view weight_key) const {
  if (const auto exact = by_key_.find(weight_key); exact != by_key_.end()) {
    return &layers_[exact->second];
  }
  const auto bare = by_bare_key_.find(without_comfy_prefix(weight_key));
  if (bare == by_bare_key_.end()) return nullptr;
  if (bare->second == layers_.size()) {
    StatsFile(reader_).fail("two layers match the weight " + in_quotes(weight_key) +
                            " once ComfyUI's key prefixes are removed");
  }
  return &layers_[bare->second];
}

void ActivationStats::check_values(const LayerInputStats& layer) const {
  const StatsFile file(reader_);
  require_finite(file.floats(*layer.mean), *layer.mean, file);
  const std::int64_t k = layer.width;
  if (layer.compact()) {
    require_finite(file.floats(*layer.gram_factor), *layer.gram_factor, file);
  }
  const SafetensorsEntry& diagonal_entry = layer.compact() ? *layer.gram_diag : *layer.gram;
  const std::vector<float> values = file.floats(diagonal_entry);
  require_finite(values, diagonal_entry, file);
  const auto diagonal = [&](std::int64_t i) {
    return layer.compact() ? values[static_cast<std::size_t>(i)]
                           : values[static_cast<std::size_t>(i * k + i)];
  };
  for (std::int64_t i = 0; i < k; ++i) {
    if (diagonal(i) < 0.0f) {
      file.fail(diagonal_entry, "diagonal entry " + std::to_string(i) + " is negative (" +
                                    std::to_string(diagonal(i)) + "): not a second moment");
    }
  }
  if (layer.compact()) return;
  for (std::int64_t i = 0; i < k; ++i) {
    for (std::int64_t j = 0; j < i; ++j) {
      const double upper = values[static_cast<std::size_t>(i * k + j)];
      const double lower = values[static_cast<std::size_t>(j * k + i)];
      const double tolerance = 1e-4 * std::sqrt(double{diagonal(i)} * diagonal(j)) + 1e-30;
      if (std::fabs(upper - lower) > tolerance) {
        file.fail(diagonal_entry, "not symmetric: element (" + std::to_string(i) + ", " +
                                      std::to_string(j) + ") is " + std::to_string(upper) + ", (" +
                                      std::to_string(j) + ", " + std::to_string(i) + ") is " +
                                      std::to_string(lower));
      }
    }
  }
}

std::vector<float> ActivationStats::mean(const LayerInputStats& layer) const {
  return StatsFile(reader_).floats(*layer.mean);
}

std::vector<float> ActivationStats::diagonal(const LayerInputStats& layer) const {
  const StatsFile file(reader_);
  if (layer.compact()) return file.floats(*layer.gram_diag);
  const auto k = static_cast<std::size_t>(layer.width);
  std::vector<float> values(k);
  for (std::size_t i = 0; i < k; ++i)
    values[i] = file.value(*layer.gram, i * k + i);
  return values;
}

std::vector<float> ActivationStats::residual_diagonal(const LayerInputStats& layer) const {
  const StatsFile file(reader_);
  std::vector<float> residual = file.floats(*layer.gram_diag);
  const std::vector<float> factor = file.floats(*layer.gram_factor);
  const std::size_t rank = static_cast<std::size_t>(layer.gram_factor->info.shape[1]);
  for (std::size_t i = 0; i < residual.size(); ++i) {
    double explained = 0.0;
    for (std::size_t j = 0; j < rank; ++j) {
      explained += double{factor[i * rank + j]} * factor[i * rank + j];
    }
    residual[i] = std::max(0.0f, static_cast<float>(residual[i] - explained));
  }
  return residual;
}

}  // namespace lrq
