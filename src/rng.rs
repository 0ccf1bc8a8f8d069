//! Seeded randomness. One master seed per run is logged; every random draw comes from a child stream of
//! it, so that changing, say, the batch sampling never changes the initial weights or the split.

use nalgebra::DMatrix;
use rand::SeedableRng;
pub use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};

/// The crate's random number generator.
pub type Rng = ChaCha8Rng;

/// The independent uses of randomness in a run. Each gets its own ChaCha stream of the master seed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// The train/test split.
    Split = 1,
    /// The initial weights.
    Init = 2,
    /// Mini-batch sampling.
    Batches = 3,
    /// Weight noise injected after each update ([`crate::noise`]).
    WeightNoise = 4,
}

/// The generator for `stream` of master seed `seed`: ChaCha8 seeded with `seed`, on stream number `stream`.
pub fn child(seed: u64, stream: Stream) -> Rng {
    let mut rng = Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// First stream number of [`indexed`]; the named [`Stream`]s lie below it.
const INDEXED_STREAMS: u64 = 1 << 32;

/// The `index`-th of many independent generators of master seed `seed` (e.g. one per simulated
/// trajectory): ChaCha8 seeded with `seed`, on stream $2^{32}+$`index`, disjoint from every [`Stream`].
pub fn indexed(seed: u64, index: u64) -> Rng {
    let mut rng = Rng::seed_from_u64(seed);
    rng.set_stream(INDEXED_STREAMS + index);
    rng
}

/// A `rows` × `cols` matrix of i.i.d. $\mathcal N(0,\text{scale}^2)$ entries drawn from `rng` in column-major
/// order.
pub fn gaussian_matrix(
    rng: &mut impl rand::Rng,
    rows: usize,
    cols: usize,
    scale: f64,
) -> DMatrix<f64> {
    DMatrix::from_fn(rows, cols, |_, _| {
        let z: f64 = StandardNormal.sample(rng);
        scale * z
    })
}
