// What every plugin factory offers: a name the recipe refers to, a description, the schema of its
// options, and a way to make a configured instance.
#pragma once

#include <memory>
#include <string>

#include "lrq/options.hpp"

namespace lrq {

template <class Product>
class Factory {
 public:
  virtual ~Factory() = default;

  virtual std::string name() const = 0;  // [a-z0-9_]+, unique per kind
  virtual std::string description() const = 0;
  virtual OptionsSchema schema() const = 0;
  // `options` holds every option of schema(), validated. Throws lrq::Error (recipe) naming the
  // option for a combination the plugin rejects.
  virtual std::unique_ptr<Product> create(const Options& options) const = 0;
};

}  // namespace lrq
