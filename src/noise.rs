//! A controlled temperature: isotropic Gaussian noise injected into the weights after every update, with
//! nothing else about the run changed.
//!
//! After update $t$ the weights become $\theta_t\leftarrow\theta_t+\sqrt{2\eta T}\\,\xi_t$, $\xi_t\sim\mathcal N(0,I)$
//! i.i.d. over coordinates and steps. For gradient descent with learning rate $\eta$ this is the
//! Euler–Maruyama step, at time step $\eta$, of overdamped Langevin dynamics
//! $d\theta=-\nabla F(\theta)\\,dt+\sqrt{2T}\\,dW$, whose stationary measure is $\propto e^{-F/T}$: $T$ is then the
//! temperature of Kramers' and Arrhenius' laws. Under another optimizer (AdamW, Muon) the same noise is
//! injected while the drift is that optimizer's, so $T$ is the noise's temperature, not that of a Gibbs
//! measure. With decoupled weight decay $\theta\leftarrow(1-\eta\lambda)\theta$ alone, each coordinate's stationary
//! variance is $2\eta T/(1-(1-\eta\lambda)^2)\approx T/\lambda$.
//!
//! The noise is drawn from the run's own seeded stream ([`Stream::WeightNoise`]) in a fixed order ($W_1$
//! then $W_2$, column-major), so the same seed gives the same bits at any thread count.

use crate::error::{ensure, Result};
use crate::model::Params;
use crate::real::Real;
use crate::rng::{child, Rng, Stream};
use crate::train::Observer;
use rand_distr::{Distribution, StandardNormal};

/// The [`Observer`] that injects weight noise of temperature $T$ into a run with learning rate $\eta$
/// (see the module's documentation).
pub struct WeightNoise {
    /// $\sqrt{2\eta T}$, the standard deviation added per coordinate and step.
    scale: f64,
    rng: Rng,
}

impl WeightNoise {
    /// Noise of `temperature` $T\ge0$ for a run with learning rate `lr` $>0$ and master `seed`; an error
    /// for a negative or non-finite $T$ or a non-positive $\eta$.
    pub fn new(temperature: f64, lr: f64, seed: u64) -> Result<Self> {
        ensure(temperature.is_finite() && temperature >= 0.0, || {
            format!("the temperature must be finite and >= 0, got {temperature}")
        })?;
        ensure(lr.is_finite() && lr > 0.0, || {
            format!("the learning rate must be finite and > 0, got {lr}")
        })?;
        Ok(WeightNoise {
            scale: (2.0 * lr * temperature).sqrt(),
            rng: child(seed, Stream::WeightNoise),
        })
    }

    /// $\sqrt{2\eta T}$, the standard deviation added to each weight after each update.
    pub fn scale(&self) -> f64 {
        self.scale
    }
}

impl<T: Real> Observer<T> for WeightNoise {
    fn constrain(&mut self, step: u64, params: &mut Params<T>) {
        // Step 0 is the initial weights: noise follows updates only. T = 0 draws nothing.
        if step == 0 || self.scale == 0.0 {
            return;
        }
        for m in params.matrices_mut() {
            for w in m.iter_mut() {
                let z: f64 = StandardNormal.sample(&mut self.rng);
                *w += T::of(self.scale * z);
            }
        }
    }
}
