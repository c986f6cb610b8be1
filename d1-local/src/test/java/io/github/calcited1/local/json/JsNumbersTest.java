package io.github.calcited1.local.json;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Expected texts are what node's String(x) printed for the same double bits. */
class JsNumbersTest {
  @ParameterizedTest
  @CsvSource({
      "0x3fb999999999999a, 0.1",
      "0x3fd3333333333334, 0.30000000000000004",
      "0x3fd5555555555555, 0.3333333333333333",
      "0x3fe5555555555555, 0.6666666666666666",
      "0x444b1ae4d6e2ef50, 1e+21",
      "0x3e7ad7f29abcaf48, 1e-7",
      "0x441ac53a7e04bcda, 123456789012345680000",
      "0x3e8421f5f40d8376, 1.5e-7",
      "0x3eb0c6f7a0b5ed8d, 0.000001",
      "0x3e7ad7f29abcaf48, 1e-7",
      "0x1, 5e-324",
      "0x7fefffffffffffff, 1.7976931348623157e+308",
      "0x44c52d02c7e14af6, 2e+23",
      "0x4340000000000000, 9007199254740992",
      "0x43e0000000000000, 9223372036854776000",
      "0xc3e0000000000000, -9223372036854776000",
      "0x4011666666666666, 4.35",
      "0x4059000000000000, 100",
      "0x54b249ad2594c37d, 1e+100",
      "0x3c36b082c2148b8e, 1.23e-18",
      "0x3fe0000000000000, 0.5",
      "0xbff4000000000000, -1.25",
      "0x4340000000000001, 9007199254740994",
      "0x43b0000000000000, 1152921504606847000",
      "0x4341c37937e08000, 10000000000000000",
      "0x4345ee2a2eb5a5c4, 12345678901234568",
      "0x3fd3333333333334, 0.30000000000000004",
      "0x64, 4.94e-322",
      "0x1aa74fe1c1e8908, 1.2345678901234568e-300",
      "0x447c7e83209e90b2, 8.41e+21",
      "0x3ea0c6f7a0b5ed8d, 5e-7",
      "0x444b1ae4d6e2ef4f, 999999999999999900000",
      "0x4415af1d78b58c40, 100000000000000000000",
      "0x405edd2f1a9fbe77, 123.456",
      "0xbf50624dd2f1a9fc, -0.001",
      "0x3, 1.5e-323",
      "0x3ff199999999999a, 1.1",
      "0x426d3fd560400000, 1005000000000",
      "0x10000000000000, 2.2250738585072014e-308",
      "0x18000000000000, 3.337610787760802e-308",
      "0x44b52d02c7e14af6, 1e+23",
      "0x44a52d02c7e14af6, 5e+22",
      "0x3f18e757928e0c9e, 0.000095",
      "0x3ff0000000000001, 1.0000000000000002",
      "0x3fe9999999999999, 0.7999999999999999",
      "0x3eb0c6f7a0b5ed8d, 0.000001",
      "0x3eff75104d551d6a, 0.000030000000000000004",
      "0x461f8aa0b134ce33, 6.247440585654087e+29",
      "0x3db7f30c2fae0294, 2.1781856682902736e-11",
      "0x40bc841c28f5c28f, 7300.11",
      "0x63f633848424ec07, 3.431901123089009e+173",
      "0x4071aae147ae147b, 282.68",
      "0x3dd4a61046640427, 7.511948146652494e-11",
      "0x40b458fae147ae14, 5208.98",
      "0x40c0d4ce147ae148, 8617.61",
      "0x40bff7851eb851ec, 8183.52",
      "0xadee7873ec923d39, -1.9146576003476285e-87",
      "0x407eb91cdba5bf69, 491.5695454096336",
      "0x5d62e6f0dd716748, 7.203081452337472e+141",
      "0x4084dae985a5bc5d, 667.364024443446",
      "0x3dd3b8432c342716, 7.174012343462636e-11",
      "0x3dce4264c0c011e0, 5.504143676756537e-11",
      "0x3dd78f30a52cd4ed, 8.570836513928804e-11",
      "0x40c351eccccccccd, 9891.85",
      "0x3d746c3c8ed34b7a, 1.1609017201635208e-12",
      "0x3dd1966ce3318f29, 6.398331239692932e-11",
      "0x46262acfe647ed17, 8.781346404210331e+29",
      "0x43db0cc8389070f4, 7796611536046510000",
      "0x3d964d46e3b93b96, 5.070856545584457e-12",
      "0x40b960970a3d70a4, 6496.59",
      "0x43dc2bc05e9baa76, 8119710278526556000",
      "0x1ca6bb189116d2a1, 1.1763810532846168e-170",
      "0x3dcbe750fe08f1cc, 5.075631560391654e-11",
      "0x40becc2e147ae148, 7884.18",
      "0xda8b9cea923c1ef5, -1.4953437788605498e+128",
      "0x40bf4d2b851eb852, 8013.17",
      "0x45f2e436369dd7b9, 9.354594046310983e+28",
      "0x3dbdf30f943ea26e, 2.7238871978540004e-11",
      "0x4a1002e5ad073be7, 5.850141530593406e+48",
      "0x43dc16aa95a24ece, 8095970568798157000",
      "0x3dabc6ad50cf4648, 1.2631099747131547e-11",
      "0x1e5b45635ba1deee, 1.8942799707638481e-162",
      "0x5472f530305fc7c6, 6.478966974707059e+98",
      "0x407b08c77840205c, 432.54869866418244",
      "0x3dd6ace63049d654, 8.249257880269903e-11",
      "0x29c16b7b5547d364, 1.4834604909397357e-107",
      "0x43d99b305c387fee, 7380486579925531000"
  })
  void formatsDoublesAsJavaScriptDoes(String bits, String expected) {
    double value = Double.longBitsToDouble(Long.parseUnsignedLong(bits.substring(2), 16));
    assertEquals(expected, JsNumbers.formatDouble(value));
  }

  @Test
  void integersPassThroughADouble() {
    assertEquals("9007199254740992", JsNumbers.formatInteger(9007199254740992L));
    assertEquals("9007199254740992", JsNumbers.formatInteger(9007199254740993L));
    assertEquals("9223372036854776000", JsNumbers.formatInteger(Long.MAX_VALUE));
    assertEquals("-9223372036854776000", JsNumbers.formatInteger(Long.MIN_VALUE));
    assertEquals("-1", JsNumbers.formatInteger(-1));
  }

  @Test
  void specialValues() {
    assertEquals("0", JsNumbers.formatDouble(-0.0));
    assertEquals("1", JsNumbers.formatDouble(1.0));
    assertNull(JsNumbers.formatDouble(Double.POSITIVE_INFINITY));
    assertNull(JsNumbers.formatDouble(Double.NEGATIVE_INFINITY));
    assertNull(JsNumbers.formatDouble(Double.NaN));
  }
}
