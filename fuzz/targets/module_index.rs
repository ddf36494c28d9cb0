//! `modules/index.json` (`modules::Index`, read with serde_json as
//! `Index::load` reads it): what is read is written back the same
//! (`Index::save`'s pretty JSON), and read again equal.

use toolup::modules::Index;

pub fn run(data: &[u8]) {
    super::json_round_trip::<Index>(data);
}
