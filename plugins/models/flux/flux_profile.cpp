// flux: Flux.1 (dev, schnell). The reference tool has no Flux.1 profile; this one keeps the
// generic avoid list and, in high precision, the input and output layers that the reference's
// flux2 list names and that Flux.1 has (README, "Model profiles").
#include "flux_detection.hpp"
#include "table_profile.hpp"

namespace lrq::models {
namespace {

const ProfileTable kFlux{
    .name = "flux",
    .description = "Flux.1 dev/schnell: quantize the blocks, keep the input and output layers",
    .high_precision = {"img_in", "txt_in", "time_in", "vector_in", "guidance_in", "final_layer"},
    .detect = detect_flux,
};

}  // namespace
}  // namespace lrq::models

LRQ_TABLE_PROFILE_PLUGIN("flux", "Flux.1 model profile", lrq::models::kFlux)
