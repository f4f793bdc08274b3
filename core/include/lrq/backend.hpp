// A compute backend: owns device memory and does the numeric work. Everything else (formats,
// optimizers, the host) reaches device data only through these calls.
#pragma once

#include <span>
#include <string>

#include "lrq/factory.hpp"
#include "lrq/quantization.hpp"
#include "lrq/tensor.hpp"

namespace lrq {

struct BackendInfo {
  std::string name;
  std::string device;  // e.g. "host, 16 threads", "NVIDIA H100 80GB HBM3"
};

struct ErrorNorms {
  double reference = 0.0;  // ||reference||_F
  double error = 0.0;      // ||reference - approximation||_F
  double relative() const noexcept { return reference > 0.0 ? error / reference : error; }
};

class Backend {
 public:
  virtual ~Backend() = default;

  virtual BackendInfo info() const = 0;

  // Host <-> device. The DeviceTensor keeps its own memory; download copies exactly
  // tensor.bytes() bytes.
  virtual DeviceTensor upload(const TensorView& host) = 0;
  virtual void download(const DeviceTensor& tensor, std::span<std::byte> host) = 0;

  // A float32 copy of a float (F64/F32/F16/BF16/F8) or I8 tensor, values converted exactly
  // (F64 rounded to nearest even).
  virtual DeviceTensor to_f32(const DeviceTensor& tensor) = 0;

  // Max |x| per scale cell of a 2-D F32 tensor, shaped layout.cells(rows, cols). A cell that
  // holds a NaN or an infinity yields +infinity.
  virtual DeviceTensor absmax(const DeviceTensor& x, const ScaleLayout& layout) = 0;

  // Round-to-nearest onto the grid: round_even(clamp(x * multiplier[cell], -max, max)), as F32
  // values that lie exactly on the grid.
  virtual DeviceTensor quantize(const DeviceTensor& x, const DeviceTensor& multiplier,
                                const ScaleLayout& layout, const Grid& grid) = 0;

  // Grid values (F32, exactly on the grid) to storage codes: F8_E4M3 bytes or I8.
  virtual DeviceTensor encode(const DeviceTensor& grid_values, const Grid& grid) = 0;

  // values * scale[cell], F32.
  virtual DeviceTensor dequantize(const DeviceTensor& values, const DeviceTensor& scale,
                                  const ScaleLayout& layout) = 0;

  // ||reference|| and ||reference - values * scale[cell]|| (the dequantized weight is not
  // materialized), accumulated in double; deterministic whatever the thread count.
  virtual ErrorNorms quantization_error(const DeviceTensor& reference, const DeviceTensor& values,
                                        const DeviceTensor& scale, const ScaleLayout& layout) = 0;
};

struct Availability {
  bool available = false;
  std::string reason;  // why not, e.g. "no CUDA device found"
};

class BackendFactory : public Factory<Backend> {
 public:
  // Whether this machine can run the backend; cheap, no device memory allocated.
  virtual Availability probe() const = 0;
};

}  // namespace lrq
