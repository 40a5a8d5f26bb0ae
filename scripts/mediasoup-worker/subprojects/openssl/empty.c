/* Intentionally empty; see meson.build. */
