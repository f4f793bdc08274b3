// The float8 conversion tables in device memory, built once per backend from lrq's host
// conversions.
#pragma once

#include "device_context.hpp"
#include "kernels.hpp"

namespace lrq::cuda {

class DeviceTables {
 public:
  explicit DeviceTables(DeviceContext& context);
  const ConversionTables& tables() const noexcept { return tables_; }

 private:
  DeviceTensor memory_;
  ConversionTables tables_;
};

}  // namespace lrq::cuda
