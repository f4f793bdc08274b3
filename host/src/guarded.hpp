// Host-side wrappers around every object that comes out of a plugin. Each forwards every call
// through guarded_call (so only core lrq::Errors leave a plugin call) and holds the plugin's
// library, so the code behind the object stays loaded while the object lives. Products made by a
// guarded factory are guarded too, and so are the device tensors they return.
#pragma once

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "guard.hpp"
#include "loaded_library.hpp"
#include "lrq/backend.hpp"
#include "lrq/format.hpp"
#include "lrq/model_profile.hpp"
#include "lrq/optimizer.hpp"

namespace lrq::host {

template <class Interface>
class GuardedObject {
 public:
  GuardedObject(std::shared_ptr<const LoadedLibrary> library, std::unique_ptr<Interface> object)
      : library_(std::move(library)), object_(std::move(object)) {}

  const std::shared_ptr<const LoadedLibrary>& library() const noexcept { return library_; }

 protected:
  // Calls `function` (usually a pointer to a member of Interface) on the plugin's object.
  template <class Function, class... Args>
  decltype(auto) call(Function function, Args&&... args) const {
    return guarded_call(*library_, [&]() -> decltype(auto) {
      return std::invoke(function, *object_, std::forward<Args>(args)...);
    });
  }

  DeviceTensor pin(DeviceTensor tensor) const { return pinned(std::move(tensor), library_); }

 private:
  std::shared_ptr<const LoadedLibrary> library_;
  std::unique_ptr<Interface> object_;  // after library_, so it is destroyed first
};

// Guarded<Format>, Guarded<Optimizer>, Guarded<ModelProfile>, Guarded<Backend>.
template <class Interface>
class Guarded;

template <>
class Guarded<Format> final : public Format, public GuardedObject<Format> {
 public:
  using GuardedObject::GuardedObject;

  std::string description() const override { return call(&Format::description); }
  std::string comfy_format() const override { return call(&Format::comfy_format); }
  Acceptance accepts(const TensorInfo& weight) const override {
    return call(&Format::accepts, weight);
  }
  LayerPlan plan(const std::string& prefix, const TensorInfo& weight) const override {
    return call(&Format::plan, prefix, weight);
  }
  LayerQuantization prepare(Backend& backend, const TensorInfo& weight,
                            const DeviceTensor& weight_f32) const override {
    LayerQuantization quantization = call(&Format::prepare, backend, weight, weight_f32);
    quantization.scale = pin(std::move(quantization.scale));
    quantization.multiplier = pin(std::move(quantization.multiplier));
    return quantization;
  }
  std::vector<EncodedTensor> encode(Backend& backend, const std::string& prefix,
                                    const DeviceTensor& grid_values,
                                    const LayerQuantization& quantization) const override {
    return call(&Format::encode, backend, prefix, grid_values, quantization);
  }
  DeviceTensor dequantize(Backend& backend, const StoredLayer& layer) const override {
    return pin(call(&Format::dequantize, backend, layer));
  }
};

template <>
class Guarded<Optimizer> final : public Optimizer, public GuardedObject<Optimizer> {
 public:
  using GuardedObject::GuardedObject;

  RoundingResult optimize(const OptimizeRequest& request) override {
    RoundingResult result = call(&Optimizer::optimize, request);
    result.grid_values = pin(std::move(result.grid_values));
    return result;
  }
};

template <>
class Guarded<ModelProfile> final : public ModelProfile, public GuardedObject<ModelProfile> {
 public:
  using GuardedObject::GuardedObject;

  ProfileMatch detect(const ModelIndex& model) const override {
    return call(&ModelProfile::detect, model);
  }
  LayerDecision classify(const TensorInfo& tensor, const ModelIndex& model) const override {
    return call(&ModelProfile::classify, tensor, model);
  }
};

template <>
class Guarded<Backend> final : public Backend, public GuardedObject<Backend> {
 public:
  using GuardedObject::GuardedObject;

  BackendInfo info() const override { return call(&Backend::info); }
  void synchronize() override { call(&Backend::synchronize); }
  DeviceTensor upload(const TensorView& host) override { return pin(call(&Backend::upload, host)); }
  void download(const DeviceTensor& tensor, std::span<std::byte> host) override {
    call(&Backend::download, tensor, host);
  }
  DeviceTensor to_f32(const DeviceTensor& tensor) override {
    return pin(call(&Backend::to_f32, tensor));
  }
  DeviceTensor absmax(const DeviceTensor& x, const ScaleLayout& layout) override {
    return pin(call(&Backend::absmax, x, layout));
  }
  DeviceTensor quantize(const DeviceTensor& x, const DeviceTensor& multiplier,
                        const ScaleLayout& layout, const Grid& grid) override {
    return pin(call(&Backend::quantize, x, multiplier, layout, grid));
  }
  DeviceTensor encode(const DeviceTensor& grid_values, const Grid& grid) override {
    return pin(call(&Backend::encode, grid_values, grid));
  }
  DeviceTensor decode(const DeviceTensor& codes, const Grid& grid) override {
    return pin(call(&Backend::decode, codes, grid));
  }
  DeviceTensor dequantize(const DeviceTensor& values, const DeviceTensor& scale,
                          const ScaleLayout& layout) override {
    return pin(call(&Backend::dequantize, values, scale, layout));
  }
  ErrorNorms quantization_error(const DeviceTensor& reference, const DeviceTensor& values,
                                const DeviceTensor& scale, const ScaleLayout& layout) override {
    return call(&Backend::quantization_error, reference, values, scale, layout);
  }
  DeviceTensor zeros(const Shape& shape) override { return pin(call(&Backend::zeros, shape)); }
  void gemm(float alpha, const DeviceTensor& a, Transpose transpose_a, const DeviceTensor& b,
            Transpose transpose_b, float beta, DeviceTensor& c) override {
    call(&Backend::gemm, alpha, a, transpose_a, b, transpose_b, beta, c);
  }
  QrFactors qr(const DeviceTensor& a) override {
    QrFactors factors = call(&Backend::qr, a);
    return {pin(std::move(factors.q)), pin(std::move(factors.r))};
  }
  SvdFactors svd(const DeviceTensor& a) override {
    SvdFactors factors = call(&Backend::svd, a);
    return {pin(std::move(factors.u)), pin(std::move(factors.singular_values)),
            pin(std::move(factors.v))};
  }
  SymmetricEigen symmetric_eigen(const DeviceTensor& a) override {
    SymmetricEigen eigen = call(&Backend::symmetric_eigen, a);
    return {pin(std::move(eigen.values)), pin(std::move(eigen.vectors))};
  }
  void axpby(float alpha, const DeviceTensor& x, float beta, DeviceTensor& y) override {
    call(&Backend::axpby, alpha, x, beta, y);
  }
  double sum_of_squares(const DeviceTensor& x) override {
    return call(&Backend::sum_of_squares, x);
  }
  void moment_step(const MomentStep& step, const DeviceTensor& gradient, DeviceTensor& parameter,
                   DeviceTensor& first_moment, DeviceTensor& second_moment) override {
    call(&Backend::moment_step, step, gradient, parameter, first_moment, second_moment);
  }
  double dot(const DeviceTensor& a, const DeviceTensor& b) override {
    return call(&Backend::dot, a, b);
  }
  DeviceTensor gather(const DeviceTensor& a, std::span<const std::int64_t> rows,
                      std::span<const std::int64_t> cols) override {
    return pin(call(&Backend::gather, a, rows, cols));
  }
  void add_diagonal(DeviceTensor& a, const DeviceTensor& d) override {
    call(&Backend::add_diagonal, a, d);
  }
  CholeskyFactor cholesky(const DeviceTensor& a) override {
    CholeskyFactor factor = call(&Backend::cholesky, a);
    return {pin(std::move(factor.factor)), factor.positive_definite, std::move(factor.diagonal)};
  }
  DeviceTensor lower_triangular_inverse(const DeviceTensor& lower) override {
    return pin(call(&Backend::lower_triangular_inverse, lower));
  }
  DeviceTensor solve_lower_transposed(const DeviceTensor& y, const DeviceTensor& lower) override {
    return pin(call(&Backend::solve_lower_transposed, y, lower));
  }
  DeviceTensor round_with_feedback(DeviceTensor& w, const DeviceTensor& u,
                                   const LayerQuantization& quantization,
                                   const FeedbackRounding& step, DeviceTensor& values) override {
    return pin(call(&Backend::round_with_feedback, w, u, quantization, step, values));
  }
};

using GuardedFormat = Guarded<Format>;
using GuardedOptimizer = Guarded<Optimizer>;
using GuardedModelProfile = Guarded<ModelProfile>;
using GuardedBackend = Guarded<Backend>;

// What every factory kind has in common; GuardedFactory adds the calls of one kind.
template <class FactoryInterface>
class GuardedFactoryBase : public FactoryInterface, public GuardedObject<FactoryInterface> {
 public:
  using Product = typename decltype(std::declval<const FactoryInterface&>().create(
      std::declval<const Options&>()))::element_type;
  using GuardedObject<FactoryInterface>::GuardedObject;

  std::string name() const override { return this->call(&FactoryInterface::name); }
  std::string description() const override { return this->call(&FactoryInterface::description); }
  OptionsSchema schema() const override { return this->call(&FactoryInterface::schema); }
  std::unique_ptr<Product> create(const Options& options) const override {
    std::unique_ptr<Product> product = this->call([&options](const FactoryInterface& factory) {
      std::unique_ptr<Product> made = factory.create(options);
      if (!made) throw std::logic_error("create() returned no object");
      return made;
    });
    return std::make_unique<Guarded<Product>>(this->library(), std::move(product));
  }
};

template <class FactoryInterface>
class GuardedFactory final : public GuardedFactoryBase<FactoryInterface> {
 public:
  using GuardedFactoryBase<FactoryInterface>::GuardedFactoryBase;
};

template <>
class GuardedFactory<OptimizerFactory> final : public GuardedFactoryBase<OptimizerFactory> {
 public:
  using GuardedFactoryBase::GuardedFactoryBase;
  bool requires_input_statistics() const override {
    return call(&OptimizerFactory::requires_input_statistics);
  }
};

template <>
class GuardedFactory<BackendFactory> final : public GuardedFactoryBase<BackendFactory> {
 public:
  using GuardedFactoryBase::GuardedFactoryBase;
  Availability probe() const override { return call(&BackendFactory::probe); }
};

using GuardedFormatFactory = GuardedFactory<FormatFactory>;
using GuardedOptimizerFactory = GuardedFactory<OptimizerFactory>;
using GuardedModelProfileFactory = GuardedFactory<ModelProfileFactory>;
using GuardedBackendFactory = GuardedFactory<BackendFactory>;

}  // namespace lrq::host
