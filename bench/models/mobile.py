# A MobileNet-style model: Conv2D 32, two depthwise-separable blocks (the second strided), ReLU6 and BN throughout,
# GlobalAveragePooling2D, Dense 10. Used as cnn.py beside it is.
import keras
from keras import layers

model = keras.Sequential([
    keras.Input(shape=(28, 28, 1)),
    layers.Conv2D(32, 3, padding="same", use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(6.0),
    layers.DepthwiseConv2D(3, padding="same", use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(6.0),
    layers.Conv2D(64, 1, use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(6.0),
    layers.DepthwiseConv2D(3, strides=2, padding="same", use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(6.0),
    layers.Conv2D(128, 1, use_bias=False),
    layers.BatchNormalization(),
    layers.ReLU(6.0),
    layers.GlobalAveragePooling2D(),
    layers.Dense(10, activation="softmax"),
])
model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
