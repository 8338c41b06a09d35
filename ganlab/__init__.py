"""ganlab: a GAN playground on 2D points, a pure-NumPy GAN with hand-written backpropagation.

The core modules (nn, losses, optim, data, noise, state, registry, gan, fields,
metrics, textbook) use only NumPy and run unchanged under CPython and in the
browser (Pyodide). To read the maths first: textbook.py.
The page's code lives in ganlab.ui, the only place that imports pyscript or js.
"""
__version__ = "0.1.0"
