"""The example's constants, shared by every framework.

The image size is deliberately not a multiple of the pyramid bins (20/3, 28/6, ...): adaptive average
pooling then has overlapping bins of different sizes, the case where libraries' own pooling layers can
differ, and height differs from width so that a transposed axis cannot go unnoticed.
"""

from consistent_resize import ResizeSpec

#: (H, W) of every image.
IMAGE_SIZE = (20, 28)
#: input channels (an RGB-like image).
IN_CHANNELS = 3
#: channels of the stem's feature map.
FEATURES = 16
#: output sizes of the adaptive average pooling branches (PSPNet's 1, 2, 3, 6).
BINS = (1, 2, 3, 6)
#: channels of each branch after its 1x1 convolution (PSPNet: features / len(BINS)).
BRANCH_CHANNELS = 4
#: channels of the 3x3 fusion convolution before the alpha head.
FUSE_CHANNELS = 8

#: The resize every framework uses to bring the pooled maps back to IMAGE_SIZE: bilinear, half-pixel
#: centres (what ``F.interpolate(..., mode='bilinear')`` and ``tf.image.resize`` mean), computed exactly.
SPEC = ResizeSpec(mode="linear", coordinate_transformation_mode="half_pixel")

#: Plain SGD (no momentum, no weight decay). A power of two, so that Keras, which stores the learning rate
#: as a float32 variable, multiplies by exactly the same number as PyTorch and Chainer (0.1 would differ
#: by 1.5e-9 in Keras).
LEARNING_RATE = 0.25
BATCH_SIZE = 8
DATASET_SIZE = 16
DATA_SEED = 0
WEIGHTS_SEED = 1
#: The Charbonnier epsilon of the alpha loss mean(sqrt((alpha - target)^2 + eps^2)).
LOSS_EPS = 1e-3
#: Default number of SGD steps of ``train.py``.
STEPS = 50
