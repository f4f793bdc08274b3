// One of the reference tool's model profiles, chosen at build time: CMake compiles this file once
// per profile, with LRQ_REFERENCE_PROFILE set to the profile's name.
#include "reference_tables.hpp"
#include "table_profile.hpp"

#ifndef LRQ_REFERENCE_PROFILE
#error "LRQ_REFERENCE_PROFILE must name the profile"
#endif

LRQ_TABLE_PROFILE_PLUGIN(LRQ_REFERENCE_PROFILE,
                         "The reference tool's --" LRQ_REFERENCE_PROFILE " model profile",
                         lrq::models::reference_table(LRQ_REFERENCE_PROFILE))
