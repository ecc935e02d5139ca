#pragma once
// Migrations too long to sit in schema.cpp, one file per area. Private to the store.
namespace neutrino::store::schema_parts {

// Nova's tables: flavors, key pairs, compute services and nodes, and the compute columns of
// instances with their faults and ports.
const char* compute_migration();
// Glance's tables: images, their properties and tags.
const char* image_migration();
// The change journal every write transaction appends to, and its head (change_journal.hpp).
const char* change_journal_migration();

}  // namespace neutrino::store::schema_parts
