package cn.tongban.core.licence;

import org.bouncycastle.asn1.gm.GMNamedCurves;
import org.bouncycastle.asn1.x9.X9ECParameters;
import org.bouncycastle.crypto.AsymmetricCipherKeyPair;
import org.bouncycastle.crypto.CryptoException;
import org.bouncycastle.crypto.generators.ECKeyPairGenerator;
import org.bouncycastle.crypto.params.ECDomainParameters;
import org.bouncycastle.crypto.params.ECKeyGenerationParameters;
import org.bouncycastle.crypto.params.ECPrivateKeyParameters;
import org.bouncycastle.crypto.params.ECPublicKeyParameters;
import org.bouncycastle.crypto.params.ParametersWithRandom;
import org.bouncycastle.crypto.signers.SM2Signer;
import org.bouncycastle.util.BigIntegers;

import java.math.BigInteger;
import java.security.SecureRandom;

/**
 * SM2 signatures with SM3 (GB/T 32918, GB/T 32905) through BouncyCastle's lightweight API, so no JCE
 * provider has to be registered or signed. Keys travel as raw bytes: the private scalar (32 bytes) and
 * the uncompressed public point (65 bytes); signatures are DER.
 */
public final class Sm2 {
  private static final X9ECParameters CURVE = GMNamedCurves.getByName("sm2p256v1");
  private static final ECDomainParameters DOMAIN = new ECDomainParameters(CURVE.getCurve(), CURVE.getG(),
      CURVE.getN(), CURVE.getH());
  private static final SecureRandom RANDOM = new SecureRandom();

  private Sm2() {
  }

  /** A key pair as raw bytes. */
  public record KeyPair(byte[] privateKey, byte[] publicKey) {
  }

  public static KeyPair generate() {
    ECKeyPairGenerator gen = new ECKeyPairGenerator();
    gen.init(new ECKeyGenerationParameters(DOMAIN, RANDOM));
    AsymmetricCipherKeyPair pair = gen.generateKeyPair();
    BigInteger d = ((ECPrivateKeyParameters) pair.getPrivate()).getD();
    return new KeyPair(BigIntegers.asUnsignedByteArray(32, d),
        ((ECPublicKeyParameters) pair.getPublic()).getQ().getEncoded(false));
  }

  public static byte[] sign(byte[] privateKey, byte[] message) {
    SM2Signer signer = new SM2Signer();
    signer.init(true, new ParametersWithRandom(
        new ECPrivateKeyParameters(new BigInteger(1, privateKey), DOMAIN), RANDOM));
    signer.update(message, 0, message.length);
    try {
      return signer.generateSignature();
    } catch (CryptoException e) {
      throw new IllegalStateException("SM2 signing failed", e);
    }
  }

  /** True when {@code signature} is {@code publicKey}'s over {@code message}; false for anything malformed. */
  public static boolean verify(byte[] publicKey, byte[] message, byte[] signature) {
    try {
      SM2Signer signer = new SM2Signer();
      signer.init(false, new ECPublicKeyParameters(CURVE.getCurve().decodePoint(publicKey), DOMAIN));
      signer.update(message, 0, message.length);
      return signer.verifySignature(signature);
    } catch (RuntimeException e) {
      return false;
    }
  }
}
