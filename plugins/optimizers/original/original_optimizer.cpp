// original: learned rounding driven by the reference tool's hand-written descent.
#include "learned_factory.hpp"

LRQ_PLUGIN("original", "0.1.0",
           "The reference tool's SVD-subspace gradient descent (learned rounding)",
           lrq::optimizers::register_learned_rounding<lrq::optimizers::Method::original>)
